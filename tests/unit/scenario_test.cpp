// Scenario loader: a full file lands field by field; each kind of mistake gives one line naming
// file:line, the key path and the problem; the shipped scenarios load.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness/scenario/model.hpp"

namespace lg::scenario {
namespace {

const std::filesystem::path kShippedOptions =
    std::filesystem::path(LOADGATE_SOURCE_DIR) / "sql" / "options";

// The shipped options (sql/options: A, B, C with their roles), each having every name of
// `queries` and `writes` (no writes: [writer.mix] names are not checked).
KnownOptions known(const std::set<std::string>& queries, const std::set<std::string>& writes = {}) {
  KnownOptions k;
  k.options = option::discover({kShippedOptions});
  for (const auto& o : k.options) {
    k.queries[o.name] = queries;
    if (!writes.empty()) k.writes[o.name] = writes;
  }
  return k;
}

const std::set<std::string> kKnownQueries = {"sku_lookup",    "slug_lookup", "price_range_in_stock",
                                             "category_page", "brand_page",  "full_text_search",
                                             "listing_count", "low_stock"};

constexpr const char* kFull = R"(name = "full"
description = "every field"

[dataset]
products = 20_000
seed = 7

[database]
options = ["C", "A"]
dsn = "host=/tmp dbname=x"

[workload.mix]
sku_lookup = 30
low_stock = 5

[executor]
type = "ramping-vus"
warmup = "1.5s"
start_vus = 2
stages = [
  { duration = "500ms", target = 4, name = "up" },
  { duration = "2m", target = 12 },
]
graceful_ramp_down = "3s"
graceful_stop = "250ms"

[refresher]
interval = "7s"

[writer]
rate = 2.5

[thresholds]
"sql_duration{query:sku_lookup}" = ["p(95)<20", "p(99)<40"]
sql_failed = "rate<0.01"
)";

TEST(ScenarioLoad, FullScenarioLandsInEveryField) {
  Scenario s = parse_scenario(kFull, "full.toml", known(kKnownQueries));
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.description, "every field");
  EXPECT_EQ(s.file, "full.toml");
  EXPECT_EQ(s.source_text, kFull);
  EXPECT_EQ(s.dataset.products, 20'000);
  EXPECT_EQ(s.dataset.seed, 7u);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"C", "A"}));
  EXPECT_EQ(s.database.dsn, "host=/tmp dbname=x");

  ASSERT_EQ(s.mix.size(), 2u);  // file order, not key order
  EXPECT_EQ(s.mix[0].query, "sku_lookup");
  EXPECT_EQ(s.mix[0].weight, 30);
  EXPECT_EQ(s.mix[0].at.line, 13);
  EXPECT_EQ(s.mix[1].query, "low_stock");
  EXPECT_EQ(s.mix[1].weight, 5);

  const ExecutorSpec& e = s.executor;
  EXPECT_EQ(e.type, "ramping-vus");
  EXPECT_EQ(e.warmup, 1'500 * kNanosPerMilli);
  EXPECT_EQ(e.start_vus, 2);
  ASSERT_EQ(e.stages.size(), 2u);
  EXPECT_EQ(e.stages[0].duration, 500 * kNanosPerMilli);
  EXPECT_EQ(e.stages[0].target, 4);
  EXPECT_EQ(e.stages[0].name, "up");
  EXPECT_EQ(e.stages[0].at.line, 21);
  EXPECT_EQ(e.stages[1].duration, 120 * kNanosPerSecond);
  EXPECT_EQ(e.stages[1].target, 12);
  EXPECT_EQ(e.stages[1].name, "");
  EXPECT_EQ(e.graceful_ramp_down, 3 * kNanosPerSecond);
  EXPECT_EQ(e.graceful_stop, 250 * kNanosPerMilli);
  EXPECT_EQ(e.peak_vus(), 12);
  EXPECT_EQ(e.total_duration(), 120'500 * kNanosPerMilli);

  EXPECT_TRUE(s.refresher.enabled);
  EXPECT_EQ(s.refresher.interval, 7 * kNanosPerSecond);
  EXPECT_TRUE(s.writer.enabled);
  // 2.5 writes/s, exactly: 2500 per 1000 s, for the whole measured run.
  EXPECT_EQ(s.writer.executor.type, "constant-arrival-rate");
  EXPECT_EQ(s.writer.executor.start_rate, 2500);
  EXPECT_EQ(s.writer.executor.time_unit, 1000 * kNanosPerSecond);
  ASSERT_EQ(s.writer.executor.stages.size(), 1u);
  EXPECT_EQ(s.writer.executor.stages[0].duration, e.total_duration());
  ASSERT_EQ(s.writer.mix.size(), 1u);
  EXPECT_EQ(s.writer.mix[0].query, "update_price_stock");

  ASSERT_EQ(s.thresholds.size(), 3u);
  EXPECT_EQ(s.thresholds[0].selector, "sql_duration{query:sku_lookup}");
  EXPECT_EQ(s.thresholds[0].source, "p(95)<20");
  EXPECT_EQ(s.thresholds[0].at.file, "full.toml");
  EXPECT_EQ(s.thresholds[0].at.line, 34);
  EXPECT_EQ(s.thresholds[0].at.column, 37);
  EXPECT_EQ(s.thresholds[1].source, "p(99)<40");
  EXPECT_EQ(s.thresholds[2].selector, "sql_failed");
  EXPECT_EQ(s.thresholds[2].source, "rate<0.01");
  EXPECT_EQ(s.thresholds[2].at.line, 35);
}

// [database] options_dirs names folders of options relative to the scenario file; one that does
// not exist is one line naming the file, the line and the key.
TEST(ScenarioLoad, OptionsDirsResolveAgainstTheScenarioFolder) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "lg-scn-XXXXXX").string();
  const std::filesystem::path dir = mkdtemp(tmpl.data());
  std::filesystem::create_directories(dir / "mine");
  const auto file = dir / "s.toml";
  std::ofstream(file) << "name = \"x\"\n[database]\noptions = [\"A\"]\noptions_dirs = "
                         "[\"mine\", \"/abs/olute\"]\n";
  try {
    scenario_option_dirs(file);
    ADD_FAILURE() << "a missing folder must be refused";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.string() + ":4"), std::string::npos) << what;
    EXPECT_NE(what.find("database.options_dirs[1]"), std::string::npos) << what;
    EXPECT_NE(what.find("no such folder: /abs/olute"), std::string::npos) << what;
  }
  std::ofstream(file) << "name = \"x\"\n[database]\noptions_dirs = [\"mine\"]\n";
  EXPECT_EQ(scenario_option_dirs(file), (std::vector<std::filesystem::path>{dir / "mine"}));
  std::ofstream(file) << "name = \"x\"\n";
  EXPECT_TRUE(scenario_option_dirs(file).empty());
  std::filesystem::remove_all(dir);
}

TEST(ScenarioLoad, OptionalSectionsKeepDefaults) {
  Scenario s = parse_scenario(R"(name = "min"
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "1s", target = 3 }]
)",
                              "min.toml", known(kKnownQueries));
  EXPECT_EQ(s.dataset.products, 10'000);
  EXPECT_EQ(s.dataset.seed, 42u);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(s.executor.start_vus, 1);
  EXPECT_EQ(s.executor.warmup, 0);
  EXPECT_FALSE(s.refresher.enabled);
  EXPECT_FALSE(s.writer.enabled);
  EXPECT_TRUE(s.thresholds.empty());
  EXPECT_EQ(s.trials, 1);
}

const std::set<std::string> kKnownWrites = {"delete_product", "insert_product",
                                            "update_price_stock", "update_status"};

TEST(ScenarioLoad, RampingWriteMixRunsOnItsOwnSchedule) {
  Scenario s = parse_scenario(R"(name = "w"
[workload.mix]
sku_lookup = 1
[executor]
type = "ramping-arrival-rate"
pre_allocated_vus = 4
stages = [{ duration = "60s", target = 100 }]
[writer]
type = "ramping-arrival-rate"
start_rate = 2
max_vus = 6
stages = [{ duration = "30s", target = 20 }, { duration = "30s", target = 20 }]
[writer.mix]
update_price_stock = 6
insert_product = 2
update_status = 1
delete_product = 0
)",
                              "w.toml", known(kKnownQueries, kKnownWrites));
  ASSERT_TRUE(s.writer.enabled);
  const ExecutorSpec& w = s.writer.executor;
  EXPECT_EQ(w.type, "ramping-arrival-rate");
  EXPECT_EQ(w.start_rate, 2);
  EXPECT_EQ(w.pre_allocated_vus, 2);
  EXPECT_EQ(w.max_vus, 6);
  ASSERT_EQ(w.stages.size(), 2u);
  EXPECT_EQ(w.stages[1].target, 20);
  ASSERT_EQ(s.writer.mix.size(), 4u);
  EXPECT_EQ(s.writer.mix[0].query, "update_price_stock");
  EXPECT_EQ(s.writer.mix[0].weight, 6);
  EXPECT_EQ(s.writer.mix[1].query, "insert_product");
  EXPECT_EQ(s.writer.mix[3].weight, 0);
}

TEST(ScenarioLoad, DatabaseSettingsReachTheEmbeddedClusterAsText) {
  Scenario s = parse_scenario(R"(name = "s"
[database.settings]
shared_buffers = "2GB"
max_parallel_workers_per_gather = 0
jit = false
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "1s", target = 1 }]
)",
                              "s.toml", known(kKnownQueries));
  using Setting = std::pair<std::string, std::string>;
  EXPECT_EQ(s.database.settings, (std::vector<Setting>{{"shared_buffers", "2GB"},
                                                       {"max_parallel_workers_per_gather", "0"},
                                                       {"jit", "off"}}));
}

TEST(ScenarioLoad, TriggerIsARefreshStrategy) {
  Scenario s = parse_scenario(R"(name = "t"
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "1s", target = 1 }]
[refresher]
strategy = "trigger"
)",
                              "t.toml", known(kKnownQueries));
  EXPECT_EQ(s.refresher.strategy, RefreshStrategy::kTrigger);
  EXPECT_STREQ(strategy_name(s.refresher.strategy), "trigger");
}

TEST(ScenarioLoad, WriterRateZeroDisablesWriter) {
  Scenario s = parse_scenario(R"(name = "w"
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "1s", target = 1 }]
[writer]
rate = 0
)",
                              "w.toml", known(kKnownQueries));
  EXPECT_FALSE(s.writer.enabled);
}

// A valid scenario whose lines `first`..`last` (1-based) are replaced by `text`: each bad case is
// one edit away from something that loads, so the assertion pins the loader's reaction to that
// edit.
const char* const kBase[] = {
    R"(name = "bad")",                        // 1
    R"([dataset])",                           // 2
    R"(products = 10_000)",                   // 3
    R"(seed = 1)",                            // 4
    R"([database])",                          // 5
    R"(options = ["A", "B"])",                // 6
    R"([workload.mix])",                      // 7
    R"(sku_lookup = 3)",                      // 8
    R"([executor])",                          // 9
    R"(warmup = "1s")",                       // 10
    R"(stages = [)",                          // 11
    R"(  { duration = "5s", target = 2 },)",  // 12
    R"(  { duration = "5s", target = 0 },)",  // 13
    R"(])",                                   // 14
    R"([refresher])",                         // 15
    R"(interval = "10s")",                    // 16
    R"([thresholds])",                        // 17
    R"("sql_duration" = ["p(95)<50"])",       // 18
};

template <size_t N>
std::string lines_with(const char* const (&lines)[N], int first, int last,
                       const std::string& text) {
  std::string out;
  int n = 0;
  for (const char* l : lines) {
    ++n;
    if (n < first || n > last) out += std::string(l) + "\n";
    if (n == first) out += text + "\n";
  }
  return out;
}

std::string base_with(int first, int last, const std::string& text) {
  return lines_with(kBase, first, last, text);
}

struct BadCase {
  const char* label;
  int line;             // line of kBase to replace
  const char* text;     // replacement
  int expect_line;      // line the error must name
  const char* field;    // key path the error must name ("" for syntax errors)
  const char* message;  // fragment of the message
  int last = 0;         // last line replaced; 0: just `line`
};

const BadCase kBadCases[] = {
    {"syntax_error", 8, "sku_lookup = = 3", 8, "", "TOML syntax error"},
    {"unknown_top_level_key", 1, "name = \"bad\"\nnmae = 3", 2, "nmae", "unknown key"},
    {"unknown_nested_key", 10, "stagez = 1", 10, "executor.stagez", "did you mean \"stages\""},
    {"unknown_key_in_stage", 12, "  { duration = \"5s\", tagret = 2 },", 12,
     "executor.stages[0].tagret", "unknown key"},
    {"duration_wrong_type", 10, "warmup = 30", 10, "executor.warmup",
     "expected a duration string like \"30s\", got integer"},
    {"integer_wrong_type", 3, "products = \"10000\"", 3, "dataset.products",
     "expected an integer, got string"},
    {"unknown_query", 8, "sku_lookupp = 3", 8, "workload.mix.sku_lookupp",
     "unknown query \"sku_lookupp\"; known queries: brand_page, category_page"},
    {"empty_stages", 11, "stages = []", 11, "executor.stages", "at least one stage", 14},
    {"negative_duration", 13, "  { duration = \"-5s\", target = 0 },", 13,
     "executor.stages[1].duration", "must not be negative"},
    {"malformed_duration", 13, "  { duration = \"5 parsecs\", target = 0 },", 13,
     "executor.stages[1].duration", "malformed duration \"5 parsecs\""},
    {"zero_duration_stage", 12, "  { duration = \"0s\", target = 2 },", 12,
     "executor.stages[0].duration", "must be > 0"},
    {"negative_target", 12, "  { duration = \"5s\", target = -1 },", 12,
     "executor.stages[0].target", "out of range"},
    {"zero_weight", 8, "sku_lookup = 0", 8, "workload.mix.sku_lookup", "out of range"},
    {"bad_option_letter", 6, "options = [\"A\", \"D\"]", 6, "database.options[1]",
     "unknown option \"D\"; options that exist (sql/options/<name>/): A, B, C"},
    {"duplicate_option", 6, "options = [\"A\", \"A\"]", 6, "database.options[1]", "twice"},
    {"empty_options", 6, "options = []", 6, "database.options", "at least one option"},
    {"products_too_small", 3, "products = 999", 3, "dataset.products", "out of range"},
    {"products_too_large", 3, "products = 1_000_001", 3, "dataset.products", "out of range"},
    {"negative_seed", 4, "seed = -1", 4, "dataset.seed", "out of range"},
    {"zero_refresh_interval", 16, "interval = \"0s\"", 16, "refresher.interval", "> 0"},
    {"section_not_a_table", 2, "dataset = 5", 2, "dataset", "expected a table, got integer", 4},
    {"arrival_rate_rejects_ramping_vus_keys", 10, "type = \"constant-arrival-rate\"", 11,
     "executor.stages", "unknown key"},
    {"arrival_rate_needs_preallocated_vus", 10, "type = \"ramping-arrival-rate\"\nstart_rate = 5",
     9, "executor.pre_allocated_vus", "required"},
    {"arrival_rate_bad_arrivals", 10,
     "type = \"ramping-arrival-rate\"\npre_allocated_vus = 2\narrivals = \"burst\"", 12,
     "executor.arrivals", "\"even\" or \"poisson\""},
    {"unknown_executor", 10, "type = \"ramping-vu\"", 10, "executor.type", "unknown executor"},
    {"malformed_threshold", 18, "\"sql_duration\" = [\"p(95)<50\",\n  \"p95 fifty\"]", 19,
     "thresholds.sql_duration[1]", "p95 fifty"},
    {"threshold_wrong_type", 18, "\"sql_duration\" = [50]", 18, "thresholds.sql_duration[0]",
     "expected a string, got integer"},
    {"missing_name", 1, "", 1, "name", "required key is missing"},
    {"writer_unknown_write", 16,
     "interval = \"10s\"\n[writer]\nrate = 5\n[writer.mix]\ninsert_prodcut = 1", 20,
     "writer.mix.insert_prodcut", "unknown write \"insert_prodcut\"; known writes"},
    {"setting_wrong_type", 5, "[database]\nsettings = { shared_buffers = [1] }", 6,
     "database.settings.shared_buffers", "expected a string, integer or boolean"},
    {"writer_closed_model", 16, "interval = \"10s\"\n[writer]\ntype = \"ramping-vus\"", 18,
     "writer.type", "runs at an arrival rate"},
    {"writer_stages_on_constant_rate", 16,
     "interval = \"10s\"\n[writer]\nrate = 5\nstages = [{ duration = \"5s\", target = 2 }]", 19,
     "writer.stages", "only for type = \"ramping-arrival-rate\""},
    {"writer_negative_rate", 16, "interval = \"10s\"\n[writer]\nrate = -1", 18, "writer.rate",
     ">= 0"},
    {"writer_ramping_needs_stages", 16,
     "interval = \"10s\"\n[writer]\ntype = \"ramping-arrival-rate\"", 17, "writer.stages",
     "required"},
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.label; }

class ScenarioBadInput : public ::testing::TestWithParam<BadCase> {};

// `text` must be refused with one line: "bad.toml:<line>:<col>: <field>: ...<message>...".
void expect_one_line_error(const std::string& text, int line, const char* field,
                           const char* message) {
  try {
    parse_scenario(text, "bad.toml", known(kKnownQueries, kKnownWrites));
    FAIL() << "accepted:\n" << text;
  } catch (const InputError& e) {
    std::string what = e.what();
    SCOPED_TRACE(what);
    EXPECT_EQ(what.find('\n'), std::string::npos);
    EXPECT_EQ(what.rfind("bad.toml:" + std::to_string(line) + ":", 0), 0u);
    EXPECT_EQ(e.field(), field);
    EXPECT_NE(what.find(message), std::string::npos);
    if (*field != '\0') {
      EXPECT_NE(what.find(std::string(": ") + field + ": "), std::string::npos);
    }
  }
}

TEST_P(ScenarioBadInput, OneLineErrorNamesFileLineAndField) {
  const BadCase& c = GetParam();
  std::string text = base_with(c.line, c.last == 0 ? c.line : c.last, c.text);
  expect_one_line_error(text, c.expect_line, c.field, c.message);
}

INSTANTIATE_TEST_SUITE_P(Table, ScenarioBadInput, ::testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(ScenarioLoad, TrialsRepeatTheMeasuredPhaseAndAreBounded) {
  const std::string rest = R"(
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "1s", target = 3 }]
)";
  EXPECT_EQ(
      parse_scenario("name = \"t\"\ntrials = 5" + rest, "t.toml", known(kKnownQueries)).trials, 5);
  expect_one_line_error("name = \"t\"\ntrials = 0" + rest, 2, "trials", "");
  expect_one_line_error("name = \"t\"\ntrials = 101" + rest, 2, "trials", "");
  expect_one_line_error("name = \"t\"\ntrials = \"5\"" + rest, 2, "trials", "integer");
}

TEST(ScenarioLoad, UnreadablePathIsInputError) {
  EXPECT_THROW(load_scenario("/nonexistent/loadgate/none.toml", known(kKnownQueries)), InputError);
  EXPECT_THROW(load_scenario(LOADGATE_SOURCE_DIR "/scenarios", known(kKnownQueries)), InputError);
}

std::filesystem::path repo_scenario(const char* name) {
  return std::filesystem::path(LOADGATE_SOURCE_DIR) / "scenarios" / name;
}

TEST(ShippedScenarios, SmokeLoads) {
  Scenario s = load_scenario(repo_scenario("smoke.toml"), known(kKnownQueries));
  EXPECT_EQ(s.name, "smoke");
  EXPECT_EQ(s.dataset.products, 10'000);
  EXPECT_EQ(s.dataset.seed, 42u);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(s.mix.size(), kKnownQueries.size());
  ASSERT_EQ(s.executor.stages.size(), 4u);
  EXPECT_EQ(s.executor.stages[2].name, "steady");
  EXPECT_EQ(s.executor.peak_vus(), 16);
  EXPECT_EQ(s.executor.total_duration(), 30 * kNanosPerSecond);
  EXPECT_TRUE(s.refresher.enabled);
  EXPECT_TRUE(s.writer.enabled);
  EXPECT_FALSE(s.thresholds.empty());
  EXPECT_FALSE(s.source_text.empty());
}

TEST(ShippedScenarios, CompareOptionsLoads) {
  Scenario s = load_scenario(repo_scenario("compare-options.toml"), known(kKnownQueries));
  EXPECT_EQ(s.dataset.products, 100'000);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(s.mix.size(), kKnownQueries.size());
  EXPECT_EQ(s.executor.peak_vus(), 16);
  EXPECT_TRUE(s.refresher.enabled);
  EXPECT_TRUE(s.writer.enabled);
  EXPECT_FALSE(s.thresholds.empty());
}

// The nightly gates latency in an open model (a closed model's throughput is what differs most
// between two machines of one type), on the SLOs and on machine-invariant ratios of options.
TEST(ShippedScenarios, NightlyIsAnOpenModelGatingSlosAndRatiosOfOptions) {
  Scenario s = load_scenario(repo_scenario("nightly.toml"), known(kKnownQueries));
  EXPECT_EQ(s.dataset.products, 100'000);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(s.executor.type, "constant-arrival-rate");
  bool slo = false, ratio = false;
  for (const auto& t : s.thresholds) {
    slo |= t.selector == "sql_duration{kind:read}" && t.agg == gate::Aggregation::kPercentile;
    ratio |= t.denominator.has_value();
  }
  EXPECT_TRUE(slo);
  EXPECT_TRUE(ratio);
}

TEST(ShippedScenarios, ScaleOneMillionCarriesTheSloTable) {
  Scenario s = load_scenario(repo_scenario("scale-1m.toml"), known(kKnownQueries, kKnownWrites));
  EXPECT_EQ(s.dataset.products, 1'000'000);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"A", "C"}));
  EXPECT_TRUE(s.executor.open_model());
  EXPECT_TRUE(s.refresher.enabled);
  EXPECT_TRUE(s.staleness.enabled);
  EXPECT_TRUE(s.writer.enabled);
  EXPECT_EQ(s.writer.mix.size(), 4u);
  std::set<std::string> metrics;
  for (const auto& t : s.thresholds) metrics.insert(t.selector);
  EXPECT_TRUE(metrics.count("mv_refresh_duration"));
  EXPECT_TRUE(metrics.count("mv_staleness"));
  // Each option gets its own verdicts, so the run says which option holds which SLO.
  for (const char* opt : {"A", "C"}) {
    EXPECT_TRUE(metrics.count(std::string("sql_failed{option:") + opt + "}")) << opt;
    EXPECT_TRUE(
        metrics.count(std::string("sql_duration{option:") + opt + ",kind:read,stage:steady}"))
        << opt;
  }
}

// The same data, reads, writes and SLOs as scale-1m, on C with the trigger strategy.
TEST(ShippedScenarios, ScaleOneMillionTriggerDiffersOnlyInStrategyAndOptions) {
  Scenario a = load_scenario(repo_scenario("scale-1m.toml"), known(kKnownQueries, kKnownWrites));
  Scenario t =
      load_scenario(repo_scenario("scale-1m-trigger.toml"), known(kKnownQueries, kKnownWrites));
  EXPECT_EQ(t.refresher.strategy, RefreshStrategy::kTrigger);
  EXPECT_EQ(t.database.options, (std::vector<std::string>{"C"}));
  EXPECT_EQ(t.dataset.products, a.dataset.products);
  EXPECT_EQ(t.database.settings, a.database.settings);
  ASSERT_EQ(t.mix.size(), a.mix.size());
  for (std::size_t i = 0; i < a.mix.size(); ++i) EXPECT_EQ(t.mix[i].weight, a.mix[i].weight);
  EXPECT_EQ(t.executor.stages.size(), a.executor.stages.size());
  EXPECT_EQ(t.executor.total_duration(), a.executor.total_duration());
  EXPECT_EQ(t.writer.executor.stages.size(), a.writer.executor.stages.size());
  EXPECT_EQ(t.writer.mix.size(), a.writer.mix.size());
}

// The migration plan's k6 script: 30 s -> 50 users, 1 m at 50, 30 s -> 100, 1 m at 100,
// 30 s -> 0; listing then filtered search, 1 s of think time after each, checks on status and
// 200 ms, p(95) < 200.
TEST(ShippedScenarios, K6ProductsIsTheMigrationPlansScript) {
  Scenario s = load_scenario(repo_scenario("k6-products.toml"), known(kKnownQueries));
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"C"}));
  EXPECT_TRUE(s.http.catalog_api);
  std::vector<int> targets;
  for (const auto& st : s.executor.stages) targets.push_back(st.target);
  EXPECT_EQ(targets, (std::vector<int>{50, 50, 100, 100, 0}));
  EXPECT_EQ(s.executor.total_duration(), 210 * kNanosPerSecond);
  ASSERT_EQ(s.journeys.size(), 1u);
  ASSERT_EQ(s.journeys[0].steps.size(), 2u);
  for (const auto& step : s.journeys[0].steps) {
    EXPECT_EQ(step.think.kind, ThinkTime::Kind::kConstant);
    EXPECT_EQ(step.think.a, kNanosPerSecond);
    EXPECT_EQ(step.checks.status, 200);
    EXPECT_EQ(step.checks.max_duration, 200 * kNanosPerMilli);
  }
  std::set<std::string> gated;
  for (const auto& t : s.thresholds) gated.insert(t.selector + " " + t.source);
  EXPECT_TRUE(gated.count("http_req_duration p(95)<200"));
  EXPECT_TRUE(gated.count("checks rate>0.99"));
}

// The denormalization guide's 1,000 -> 5,000 users with sleep(1), against a static target.
TEST(ShippedScenarios, K6Feed5000RampsToFiveThousandUsersWithThinkTime) {
  Scenario s = load_scenario(repo_scenario("k6-feed-5000.toml"), known(kKnownQueries));
  EXPECT_EQ(s.executor.peak_vus(), 5000);
  EXPECT_EQ(s.executor.stages[1].target, 1000);
  ASSERT_TRUE(s.http_workload());
  EXPECT_EQ(s.http.base_url, "http://127.0.0.1:8089");
  ASSERT_EQ(s.journeys.size(), 1u);
  for (const auto& step : s.journeys[0].steps) EXPECT_EQ(step.think.a, kNanosPerSecond);
}

TEST(ShippedScenarios, RolloutStepsTheViewAndInjectsAFault) {
  Scenario s = load_scenario(repo_scenario("rollout.toml"), known(kKnownQueries));
  EXPECT_EQ(s.dataset.products, 100'000);
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"C"}));
  ASSERT_TRUE(s.http_workload());
  EXPECT_TRUE(s.http.catalog_api);
  EXPECT_EQ(s.executor.type, "ramping-arrival-rate");
  std::vector<int> steps;
  for (const auto& st : s.executor.stages) {
    if (st.mv_rollout_percent >= 0) steps.push_back(st.mv_rollout_percent);
  }
  EXPECT_EQ(steps, (std::vector<int>{10, 50, 100}));
  ASSERT_EQ(s.faults.size(), 1u);
  // The fault falls inside the 100% stage.
  const Nanos last_start = s.executor.total_duration() - s.executor.stages.back().duration;
  EXPECT_GT(s.faults[0].at, last_start);
  EXPECT_LT(s.faults[0].at + s.faults[0].duration, s.executor.total_duration());
  EXPECT_TRUE(s.refresher.enabled);
}

}  // namespace
}  // namespace lg::scenario

namespace lg::scenario {
namespace {

const std::set<std::string> kArrivalQueries{"sku_lookup"};

TEST(ScenarioOpenModel, ConstantArrivalRateBecomesOneStage) {
  const auto s = parse_scenario(
      "name = \"car\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
      "type = \"constant-arrival-rate\"\nrate = 300\ntime_unit = \"1m\"\nduration = \"20s\"\n"
      "pre_allocated_vus = 4\nmax_vus = 10\narrivals = \"poisson\"\n",
      "car.toml", known(kArrivalQueries));
  const auto& e = s.executor;
  EXPECT_TRUE(e.open_model());
  EXPECT_EQ(e.start_rate, 300);
  EXPECT_EQ(e.time_unit, 60 * kNanosPerSecond);
  ASSERT_EQ(e.stages.size(), 1u);
  EXPECT_EQ(e.stages[0].target, 300);
  EXPECT_EQ(e.stages[0].duration, 20 * kNanosPerSecond);
  EXPECT_EQ(e.pre_allocated_vus, 4);
  EXPECT_EQ(e.peak_vus(), 10);
  EXPECT_EQ(e.arrivals, Arrivals::kPoisson);
}

TEST(ScenarioOpenModel, RampingArrivalRateDefaults) {
  const auto s = parse_scenario(
      "name = \"rar\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
      "type = \"ramping-arrival-rate\"\npre_allocated_vus = 3\n"
      "stages = [{ duration = \"5s\", target = 100, name = \"steady\" }]\n",
      "rar.toml", known(kArrivalQueries));
  const auto& e = s.executor;
  EXPECT_EQ(e.start_rate, 0);
  EXPECT_EQ(e.time_unit, kNanosPerSecond);
  EXPECT_EQ(e.max_vus, 3);
  EXPECT_EQ(e.peak_vus(), 3);
  EXPECT_EQ(e.arrivals, Arrivals::kEven);
  EXPECT_EQ(e.stages[0].name, "steady");
}

TEST(ScenarioOpenModel, MaxVusBelowPreallocatedIsAnError) {
  EXPECT_THROW(parse_scenario("name = \"x\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
                              "type = \"constant-arrival-rate\"\nrate = 5\nduration = \"1s\"\n"
                              "pre_allocated_vus = 4\nmax_vus = 2\n",
                              "x.toml", known(kArrivalQueries)),
               InputError);
}

}  // namespace
}  // namespace lg::scenario

namespace lg::scenario {
namespace {

TEST(ScenarioThresholds, ObjectFormCarriesAbortOnFailAndDelay) {
  const auto s = parse_scenario(
      "name = \"t\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
      "stages = [{ duration = \"5s\", target = 1 }]\n[thresholds]\n"
      "\"sql_duration\" = [\"p(95)<50\", { threshold = \"p(99)<100\", abort_on_fail = true, "
      "delay_abort_eval = \"10s\" }]\n",
      "t.toml", known({"sku_lookup"}));
  ASSERT_EQ(s.thresholds.size(), 2u);
  EXPECT_FALSE(s.thresholds[0].abort_on_fail);
  EXPECT_TRUE(s.thresholds[1].abort_on_fail);
  EXPECT_EQ(s.thresholds[1].delay_abort_eval, 10 * kNanosPerSecond);
  EXPECT_EQ(s.thresholds[1].source, "p(99)<100");
  EXPECT_THROW(parse_scenario("name = \"t\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
                              "stages = [{ duration = \"5s\", target = 1 }]\n[thresholds]\n"
                              "\"sql_duration\" = [{ threshold = \"p(99)<100\", abort = true }]\n",
                              "t.toml", known({"sku_lookup"})),
               InputError);
}

}  // namespace
}  // namespace lg::scenario

namespace lg::scenario {
namespace {

constexpr const char* kHttp = R"(name = "http"
[database]
options = ["C"]
[workload.requests.by_category]
path = "/api/products?categoryId={category}&page={page}"
weight = 3
[workload.requests.create]
method = "POST"
path = "/api/products"
body = '{"name": "{search_words}"}'
expect_status = 201
[http]
catalog_api = true
mv_rollout_percent = 10
api_pool = 8
timeout = "2s"
[executor]
type = "ramping-arrival-rate"
pre_allocated_vus = 4
stages = [
  { duration = "5s", target = 10, mv_rollout_percent = 10 },
  { duration = "5s", target = 10, mv_rollout_percent = 50, name = "half" },
]
[[faults]]
action = "view_unavailable"
at = "6s"
duration = "2s"
)";

TEST(ScenarioHttp, RequestsHttpStagesAndFaultsLand) {
  const auto s = parse_scenario(kHttp, "h.toml", known(kKnownQueries));
  ASSERT_TRUE(s.http_workload());
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].name, "by_category");  // file order
  EXPECT_EQ(s.requests[0].method, "GET");
  EXPECT_EQ(s.requests[0].weight, 3);
  EXPECT_EQ(s.requests[0].expect_status, 0);
  EXPECT_EQ(s.requests[1].method, "POST");
  EXPECT_EQ(s.requests[1].expect_status, 201);
  EXPECT_EQ(s.requests[1].body, R"({"name": "{search_words}"})");
  EXPECT_TRUE(s.mix.empty());
  EXPECT_TRUE(s.http.catalog_api);
  EXPECT_EQ(s.http.mv_rollout_percent, 10);
  EXPECT_EQ(s.http.api_pool, 8);
  EXPECT_EQ(s.http.timeout, 2 * kNanosPerSecond);
  EXPECT_EQ(s.executor.stages[1].mv_rollout_percent, 50);
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].at, 6 * kNanosPerSecond);
  EXPECT_EQ(s.faults[0].duration, 2 * kNanosPerSecond);
}

// Replaces the first occurrence of `from` in kHttp by `to` and expects an InputError whose
// field and message contain the given fragments.
void expect_http_error(const std::string& from, const std::string& to, const std::string& field,
                       const std::string& message) {
  std::string text = kHttp;
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  try {
    parse_scenario(text, "h.toml", known(kKnownQueries));
    FAIL() << "accepted:\n" << text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("h.toml:", 0), 0u) << e.what();
  }
}

TEST(ScenarioHttp, MistakesNameTheirField) {
  expect_http_error("catalog_api = true", "catalog_api = true\nbase_url = \"http://x:1\"", "http",
                    "exactly one of");
  expect_http_error("catalog_api = true", "base_url = \"ftp://x\"", "http.base_url",
                    "expected an http://host[:port][/prefix] URL");
  expect_http_error("catalog_api = true", "base_url = \"https://x\"", "http.base_url",
                    "https is not supported");
  expect_http_error("catalog_api = true", "base_url = \"http://x/a?b=1\"", "http.base_url",
                    "expected an http://host[:port][/prefix] URL");
  expect_http_error("[workload.requests.by_category]",
                    "[workload.mix]\nsku_lookup = 1\n"
                    "[workload.requests.by_category]",
                    "workload.requests", "not both");
  expect_http_error("weight = 3", "wieght = 3", "workload.requests.by_category.wieght",
                    "did you mean \"weight\"");
  expect_http_error("mv_rollout_percent = 50", "mv_rollout_percent = 150",
                    "executor.stages[1].mv_rollout_percent", "out of range");
  expect_http_error("\"view_unavailable\"", "\"drop_database\"", "faults[0].action",
                    "unknown fault");
  expect_http_error("options = [\"C\"]", "options = [\"A\"]", "faults[0].action",
                    "needs an option with a view");
  // catalog-api reads C's view, which the trigger strategy never refreshes: stale reads would
  // be recorded as current.
  expect_http_error("[executor]", "[refresher]\nstrategy = \"trigger\"\n[executor]",
                    "refresher.strategy", "never refreshes");
  expect_http_error("pre_allocated_vus = 4", "pre_allocated_vus = 100001",
                    "executor.pre_allocated_vus", "out of range");
  expect_http_error(
      "[http]\ncatalog_api = true\nmv_rollout_percent = 10\napi_pool = 8\n"
      "timeout = \"2s\"",
      "[writer]\nrate = 1", "workload.requests", "needs an [http] section");
}

// The event-driven HTTP driver has no select() ceiling: thousands of VUs per process load.
TEST(ScenarioHttp, FiveThousandVusAreAccepted) {
  std::string text = kHttp;
  text.replace(text.find("pre_allocated_vus = 4"), 21, "pre_allocated_vus = 5000");
  const auto s = parse_scenario(text, "h.toml", known(kKnownQueries));
  EXPECT_TRUE(s.http_workload());
  EXPECT_EQ(s.executor.peak_vus(), 5000);

  const auto closed = parse_scenario(
      "name = \"c\"\n[workload.requests.home]\npath = \"/\"\n[http]\n"
      "base_url = \"http://127.0.0.1:8080\"\n[executor]\n"
      "stages = [{ duration = \"10s\", target = 5000 }]\n",
      "c.toml", known(kKnownQueries));
  EXPECT_EQ(closed.executor.peak_vus(), 5000);
}

TEST(ScenarioHttp, RolloutStepNeedsHttpWorkload) {
  const std::string sql = std::string(kBase[0]) +
                          "\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
                          "stages = [{ duration = \"1s\", target = 1, mv_rollout_percent = 5 }]\n";
  try {
    parse_scenario(sql, "s.toml", known(kKnownQueries));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "executor.stages[0].mv_rollout_percent");
  }
}

}  // namespace
}  // namespace lg::scenario

namespace lg::scenario {
namespace {

Scenario with_refresher(const std::string& body) {
  return parse_scenario(
      "name = \"r\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
      "stages = [{ duration = \"1s\", target = 1 }]\n[refresher]\n" +
          body,
      "r.toml", known(kKnownQueries));
}

TEST(ScenarioRefresher, StrategiesAndRetriesLand) {
  const auto d = with_refresher("");
  EXPECT_EQ(d.refresher.strategy, RefreshStrategy::kInterval);
  EXPECT_EQ(d.refresher.max_retries, 3);
  EXPECT_EQ(d.refresher.retry_backoff, kNanosPerSecond);
  const auto c = with_refresher("strategy = \"continuous\"\nmax_retries = 0\n");
  EXPECT_EQ(c.refresher.strategy, RefreshStrategy::kContinuous);
  EXPECT_EQ(c.refresher.max_retries, 0);
  const auto b = with_refresher(
      "strategy = \"debounced\"\ninterval = \"30s\"\n"
      "retry_backoff = \"250ms\"\n");
  EXPECT_EQ(b.refresher.strategy, RefreshStrategy::kDebounced);
  EXPECT_EQ(b.refresher.interval, 30 * kNanosPerSecond);
  EXPECT_EQ(b.refresher.retry_backoff, 250 * kNanosPerMilli);
}

TEST(ScenarioRefresher, StalenessProbeKeysLand) {
  const auto s = parse_scenario(
      "name = \"s\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
      "stages = [{ duration = \"1s\", target = 1 }]\n[staleness]\ninterval = \"2s\"\n"
      "poll = \"10ms\"\n",
      "s.toml", known(kKnownQueries));
  EXPECT_TRUE(s.staleness.enabled);
  EXPECT_EQ(s.staleness.interval, 2 * kNanosPerSecond);
  EXPECT_EQ(s.staleness.poll, 10 * kNanosPerMilli);
  EXPECT_FALSE(with_refresher("").staleness.enabled);
}

TEST(ScenarioRefresher, UnknownStrategyNamesTheField) {
  try {
    with_refresher("strategy = \"sometimes\"\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "refresher.strategy");
    EXPECT_NE(std::string(e.what()).find("interval, continuous, debounced or trigger"),
              std::string::npos);
  }
  EXPECT_THROW(with_refresher("max_retries = -1\n"), InputError);
}

}  // namespace
}  // namespace lg::scenario

namespace lg::scenario {
namespace {

using Kind = ThinkTime::Kind;

// SQL journeys, listed "search" before "browse" so file order differs from key order.
constexpr const char* kSqlJourneys = R"toml(name = "sql-journeys"
[engine]
threads = 4
[workload.journeys.search]
steps = [{ query = "full_text_search", think = "exponential(2s)" }, { query = "listing_count" }]
[workload.journeys.browse]
weight = 3
steps = [
  { query = "category_page", think = "1s", checks = { max_duration = "200ms" } },
  { query = "sku_lookup", think = "uniform(500ms, 1500ms)" },
]
[executor]
stages = [{ duration = "5s", target = 2 }]
)toml";

TEST(ScenarioJourneys, SqlJourneysLandInFileOrderWithThinkTimesAndChecks) {
  const auto s = parse_scenario(kSqlJourneys, "j.toml", known(kKnownQueries));
  EXPECT_EQ(s.engine.threads, 4);
  EXPECT_TRUE(s.mix.empty());
  EXPECT_TRUE(s.requests.empty());
  EXPECT_FALSE(s.http_workload());
  ASSERT_EQ(s.journeys.size(), 2u);

  const JourneySpec& search = s.journeys[0];
  EXPECT_EQ(search.name, "search");
  EXPECT_EQ(search.weight, 1);  // default
  EXPECT_EQ(search.at.file, "j.toml");
  EXPECT_EQ(search.at.line, 4);
  ASSERT_EQ(search.steps.size(), 2u);
  EXPECT_EQ(search.steps[0].query, "full_text_search");
  EXPECT_EQ(search.steps[0].request, "");
  EXPECT_EQ(search.steps[0].think.kind, Kind::kExponential);
  EXPECT_EQ(search.steps[0].think.a, 2 * kNanosPerSecond);
  EXPECT_EQ(search.steps[0].at.line, 5);
  EXPECT_EQ(search.steps[1].query, "listing_count");
  EXPECT_EQ(search.steps[1].think.kind, Kind::kNone);
  EXPECT_FALSE(search.steps[1].checks.any());

  const JourneySpec& browse = s.journeys[1];
  EXPECT_EQ(browse.name, "browse");
  EXPECT_EQ(browse.weight, 3);
  EXPECT_EQ(browse.at.line, 6);
  ASSERT_EQ(browse.steps.size(), 2u);
  const StepSpec& page = browse.steps[0];
  EXPECT_EQ(page.query, "category_page");
  EXPECT_EQ(page.think.kind, Kind::kConstant);
  EXPECT_EQ(page.think.a, kNanosPerSecond);
  EXPECT_EQ(page.checks.max_duration, 200 * kNanosPerMilli);
  EXPECT_EQ(page.checks.status, 0);
  EXPECT_EQ(page.checks.body, "");
  EXPECT_EQ(page.at.line, 9);
  EXPECT_EQ(page.at.column, 3);
  const StepSpec& sku = browse.steps[1];
  EXPECT_EQ(sku.think.kind, Kind::kUniform);
  EXPECT_EQ(sku.think.a, 500 * kNanosPerMilli);
  EXPECT_EQ(sku.think.b, 1'500 * kNanosPerMilli);
  EXPECT_EQ(sku.at.line, 10);
}

constexpr const char* kHttpJourneys = R"toml(name = "http-journeys"
[workload.requests.products_page]
path = "/api/products?page={page}"
weight = 7
[workload.requests.filtered_search]
method = "POST"
path = "/api/search"
body = '{"q": "{search_words}"}'
[workload.journeys.browse]
weight = 2
steps = [
  { request = "products_page", think = "1s", checks = { status = 200, body = '"items"', max_duration = "200ms" } },
  { request = "filtered_search", think = "uniform(500ms, 1500ms)" },
]
[workload.journeys.bounce]
steps = [{ request = "products_page" }]
[http]
base_url = "http://127.0.0.1:8080"
[executor]
stages = [{ duration = "10s", target = 5000 }]
)toml";

TEST(ScenarioJourneys, HttpJourneysNameRequestTemplatesAndCarryChecks) {
  const auto s = parse_scenario(kHttpJourneys, "h.toml", known(kKnownQueries));
  EXPECT_EQ(s.engine.threads, 0);  // no [engine]: one event loop per core
  EXPECT_TRUE(s.http_workload());
  EXPECT_TRUE(s.mix.empty());
  // The templates stay as written; their weights are unused when journeys exist.
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].name, "products_page");
  EXPECT_EQ(s.requests[0].weight, 7);
  EXPECT_EQ(s.requests[1].method, "POST");
  EXPECT_EQ(s.executor.peak_vus(), 5000);

  ASSERT_EQ(s.journeys.size(), 2u);
  const JourneySpec& browse = s.journeys[0];
  EXPECT_EQ(browse.name, "browse");
  EXPECT_EQ(browse.weight, 2);
  EXPECT_EQ(browse.at.line, 9);
  ASSERT_EQ(browse.steps.size(), 2u);
  const StepSpec& page = browse.steps[0];
  EXPECT_EQ(page.request, "products_page");
  EXPECT_EQ(page.query, "");
  EXPECT_EQ(page.think.kind, Kind::kConstant);
  EXPECT_EQ(page.think.a, kNanosPerSecond);
  EXPECT_EQ(page.checks.status, 200);
  EXPECT_EQ(page.checks.body, "\"items\"");
  EXPECT_EQ(page.checks.max_duration, 200 * kNanosPerMilli);
  EXPECT_TRUE(page.checks.any());
  EXPECT_EQ(page.at.line, 12);
  const StepSpec& search = browse.steps[1];
  EXPECT_EQ(search.request, "filtered_search");
  EXPECT_EQ(search.think.kind, Kind::kUniform);
  EXPECT_EQ(search.think.a, 500 * kNanosPerMilli);
  EXPECT_EQ(search.think.b, 1'500 * kNanosPerMilli);
  EXPECT_FALSE(search.checks.any());

  const JourneySpec& bounce = s.journeys[1];
  EXPECT_EQ(bounce.name, "bounce");
  EXPECT_EQ(bounce.weight, 1);
  ASSERT_EQ(bounce.steps.size(), 1u);
  EXPECT_EQ(bounce.steps[0].request, "products_page");
}

TEST(ScenarioJourneys, EngineThreadsRange) {
  auto with_threads = [](const std::string& engine) {
    return parse_scenario("name = \"e\"\n" + engine +
                              "\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
                              "stages = [{ duration = \"1s\", target = 1 }]\n",
                          "e.toml", known(kKnownQueries));
  };
  EXPECT_EQ(with_threads("").engine.threads, 0);
  EXPECT_EQ(with_threads("[engine]").engine.threads, 0);
  EXPECT_EQ(with_threads("[engine]\nthreads = 1").engine.threads, 1);
  EXPECT_EQ(with_threads("[engine]\nthreads = 256").engine.threads, 256);
  EXPECT_THROW(with_threads("[engine]\nthreads = 257"), InputError);
}

// A valid SQL-journey scenario; each bad case replaces lines of it, as kBase does.
const char* const kJourneyBase[] = {
    R"(name = "journeys")",                                                // 1
    R"([engine])",                                                         // 2
    R"(threads = 4)",                                                      // 3
    R"([workload.journeys.browse])",                                       // 4
    R"(weight = 2)",                                                       // 5
    R"(steps = [)",                                                        // 6
    R"(  { query = "category_page", think = "1s" },)",                     // 7
    R"(  { query = "sku_lookup", checks = { max_duration = "50ms" } },)",  // 8
    R"(])",                                                                // 9
    R"([workload.journeys.search])",                                       // 10
    R"(steps = [{ query = "full_text_search" }])",                         // 11
    R"([executor])",                                                       // 12
    R"(stages = [{ duration = "5s", target = 2 }])",                       // 13
};

// A valid HTTP-journey scenario.
const char* const kHttpJourneyBase[] = {
    R"(name = "http-journeys")",                                                 // 1
    R"([workload.requests.products_page])",                                      // 2
    R"(path = "/api/products?page={page}")",                                     // 3
    R"([workload.requests.filtered_search])",                                    // 4
    R"(path = "/api/products?q={search_words}")",                                // 5
    R"([workload.journeys.browse])",                                             // 6
    R"(steps = [)",                                                              // 7
    R"(  { request = "products_page", checks = { status = 200 } },)",            // 8
    R"toml(  { request = "filtered_search", think = "uniform(1s, 2s)" },)toml",  // 9
    R"(])",                                                                      // 10
    R"([http])",                                                                 // 11
    R"(base_url = "http://127.0.0.1:8080")",                                     // 12
    R"([executor])",                                                             // 13
    R"(stages = [{ duration = "5s", target = 2 }])",                             // 14
};

TEST(ScenarioJourneys, BaseScenariosLoad) {
  std::string sql = lines_with(kJourneyBase, 0, 0, "");
  std::string http = lines_with(kHttpJourneyBase, 0, 0, "");
  EXPECT_EQ(parse_scenario(sql, "j.toml", known(kKnownQueries)).journeys.size(), 2u);
  EXPECT_EQ(parse_scenario(http, "j.toml", known(kKnownQueries)).journeys.size(), 1u);
}

struct JourneyBadCase {
  const char* label;
  bool http;            // edit kHttpJourneyBase rather than kJourneyBase
  int line;             // first line replaced
  const char* text;     // replacement
  int expect_line;      // line the error must name
  const char* field;    // exact key path of the error
  const char* message;  // fragment of the message
  int last = 0;         // last line replaced; 0: just `line`
};

const JourneyBadCase kJourneyBadCases[] = {
    // [engine]
    {"engine_threads_zero", false, 3, "threads = 0", 3, "engine.threads",
     "out of range: 0 is not in [1, 256]"},
    {"engine_threads_too_many", false, 3, "threads = 257", 3, "engine.threads",
     "out of range: 257 is not in [1, 256]"},
    {"engine_threads_wrong_type", false, 3, "threads = \"2\"", 3, "engine.threads",
     "expected an integer, got string"},
    {"engine_unknown_key", false, 3, "thread = 4", 3, "engine.thread",
     "unknown key; did you mean \"threads\"?"},
    {"engine_not_a_table", false, 2, "engine = 4", 2, "engine", "expected a table, got integer", 3},
    // [workload.journeys.<name>]
    {"journey_unknown_key", false, 5, "wieght = 2", 5, "workload.journeys.browse.wieght",
     "did you mean \"weight\"?"},
    {"journey_zero_weight", false, 5, "weight = 0", 5, "workload.journeys.browse.weight",
     "out of range: 0 is not in [1, 1000000]"},
    {"journey_weight_too_big", false, 5, "weight = 1_000_001", 5, "workload.journeys.browse.weight",
     "out of range"},
    {"journey_missing_steps", false, 6, "", 4, "workload.journeys.browse.steps",
     "required key is missing", 9},
    {"journey_empty_steps", false, 6, "steps = []", 6, "workload.journeys.browse.steps",
     "needs at least one step", 9},
    {"journey_steps_not_array", false, 6, "steps = \"category_page\"", 6,
     "workload.journeys.browse.steps", "expected an array", 9},
    {"journey_not_a_table", false, 4, "[workload.journeys]\nbrowse = 5", 5,
     "workload.journeys.browse", "expected a table, got integer", 9},
    {"journeys_empty", false, 4, "[workload.journeys]", 4, "workload.journeys",
     "needs at least one", 11},
    // steps
    {"step_not_a_table", false, 7, "  \"category_page\",", 7, "workload.journeys.browse.steps[0]",
     "expected a table, got string"},
    {"step_unknown_key", false, 7, "  { query = \"category_page\", thinc = \"1s\" },", 7,
     "workload.journeys.browse.steps[0].thinc", "did you mean \"think\"?"},
    {"step_without_query_or_request", false, 7, "  { think = \"1s\" },", 7,
     "workload.journeys.browse.steps[0]", "set exactly one of query = \"<name>\""},
    {"step_with_query_and_request", false, 8,
     "  { query = \"sku_lookup\", request = \"products_page\" },", 8,
     "workload.journeys.browse.steps[1].request", "set exactly one of query"},
    {"step_query_wrong_type", false, 7, "  { query = 5 },", 7,
     "workload.journeys.browse.steps[0].query", "expected a string, got integer"},
    {"step_unknown_query", false, 7, "  { query = \"category_pag\" },", 7,
     "workload.journeys.browse.steps[0].query",
     "unknown query \"category_pag\"; known queries: brand_page, category_page"},
    {"step_unknown_query_second_journey", false, 11, "steps = [{ query = \"fts\" }]", 11,
     "workload.journeys.search.steps[0].query", "unknown query \"fts\""},
    // think
    {"think_malformed", false, 7, "  { query = \"category_page\", think = \"sometimes\" },", 7,
     "workload.journeys.browse.steps[0].think",
     "expected a duration, uniform(a, b) or exponential(mean), got \"sometimes\""},
    {"think_uniform_reversed", false, 7,
     "  { query = \"category_page\", think = \"uniform(2s, 1s)\" },", 7,
     "workload.journeys.browse.steps[0].think", "uniform: lower bound above upper bound"},
    {"think_exponential_zero", false, 7,
     "  { query = \"category_page\", think = \"exponential(0s)\" },", 7,
     "workload.journeys.browse.steps[0].think", "exponential: mean must be > 0"},
    {"think_negative", false, 7, "  { query = \"category_page\", think = \"-1s\" },", 7,
     "workload.journeys.browse.steps[0].think", "must not be negative"},
    {"think_wrong_type", false, 7, "  { query = \"category_page\", think = 1 },", 7,
     "workload.journeys.browse.steps[0].think", "expected a string, got integer"},
    // checks
    {"query_step_status_check", false, 8,
     "  { query = \"sku_lookup\", checks = { status = 200 } },", 8,
     "workload.journeys.browse.steps[1].checks.status", "only HTTP request steps have a status"},
    {"query_step_body_check", false, 8, "  { query = \"sku_lookup\", checks = { body = \"ok\" } },",
     8, "workload.journeys.browse.steps[1].checks.body", "only HTTP request steps have a body"},
    {"check_zero_max_duration", false, 8,
     "  { query = \"sku_lookup\", checks = { max_duration = \"0s\" } },", 8,
     "workload.journeys.browse.steps[1].checks.max_duration", "duration must be > 0"},
    {"check_malformed_max_duration", false, 8,
     "  { query = \"sku_lookup\", checks = { max_duration = 50 } },", 8,
     "workload.journeys.browse.steps[1].checks.max_duration",
     "expected a duration string like \"30s\", got integer"},
    {"check_unknown_key", false, 8,
     "  { query = \"sku_lookup\", checks = { max_duraton = \"50ms\" } },", 8,
     "workload.journeys.browse.steps[1].checks.max_duraton", "did you mean \"max_duration\"?"},
    {"checks_not_a_table", false, 8, "  { query = \"sku_lookup\", checks = 200 },", 8,
     "workload.journeys.browse.steps[1].checks", "expected a table, got integer"},
    {"http_check_status_out_of_range", true, 8,
     "  { request = \"products_page\", checks = { status = 600 } },", 8,
     "workload.journeys.browse.steps[0].checks.status", "out of range: 600 is not in [100, 599]"},
    {"http_check_body_empty", true, 8,
     "  { request = \"products_page\", checks = { body = \"\" } },", 8,
     "workload.journeys.browse.steps[0].checks.body", "must not be empty"},
    // what a journey scenario may hold beside its journeys
    {"journeys_and_mix", false, 4, "[workload.mix]\nsku_lookup = 1\n[workload.journeys.browse]", 4,
     "workload.mix",
     "a scenario with [workload.journeys] takes its workload from the journeys; remove the mix"},
    {"sql_steps_mixed_with_request_step", false, 11, "steps = [{ request = \"products_page\" }]",
     11, "workload.journeys.search.steps[0].request",
     "the steps of all journeys must be of one kind: this is an HTTP request step but "
     "workload.journeys.browse.steps[0] is a SQL query step"},
    {"http_steps_mixed_with_query_step", true, 9, "  { query = \"sku_lookup\" },", 9,
     "workload.journeys.browse.steps[1].query",
     "the steps of all journeys must be of one kind: this is a SQL query step but "
     "workload.journeys.browse.steps[0] is an HTTP request step"},
    {"sql_steps_with_requests", false, 13,
     "stages = [{ duration = \"5s\", target = 2 }]\n[workload.requests.home]\npath = \"/\"", 14,
     "workload.requests",
     "the journeys run SQL queries (workload.journeys.browse.steps[0]); a scenario replays SQL "
     "queries or HTTP requests, not both"},
    {"http_step_unknown_request", true, 8, "  { request = \"products_pag\" },", 8,
     "workload.journeys.browse.steps[0].request",
     "unknown request \"products_pag\"; known requests: products_page, filtered_search"},
    {"http_steps_without_requests", true, 2, "", 5, "workload.journeys.browse.steps[0].request",
     "unknown request \"products_page\"; a request step names a [workload.requests.<name>] table "
     "and this file has none",
     5},
    {"http_request_template_still_validated", true, 3, "method = \"GET\"", 2,
     "workload.requests.products_page.path", "required key is missing"},
    {"http_journeys_need_http_section", true, 11, "", 2, "workload.requests",
     "needs an [http] section", 12},
};

void PrintTo(const JourneyBadCase& c, std::ostream* os) { *os << c.label; }

class ScenarioJourneyBadInput : public ::testing::TestWithParam<JourneyBadCase> {};

TEST_P(ScenarioJourneyBadInput, OneLineErrorNamesFileLineAndField) {
  const JourneyBadCase& c = GetParam();
  const int last = c.last == 0 ? c.line : c.last;
  std::string text = c.http ? lines_with(kHttpJourneyBase, c.line, last, c.text)
                            : lines_with(kJourneyBase, c.line, last, c.text);
  expect_one_line_error(text, c.expect_line, c.field, c.message);
}

INSTANTIATE_TEST_SUITE_P(Scenario, ScenarioJourneyBadInput, ::testing::ValuesIn(kJourneyBadCases),
                         [](const auto& info) { return std::string(info.param.label); });

// A sql folder of its own: options are whatever folders it holds, named by their folder and
// judged by their roles. Each is a copy of a shipped option under another name and schema.
class ScenarioOwnOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lg-scenario-XXXXXX").string();
    root_ = std::filesystem::path(mkdtemp(tmpl.data()));
    copy_option("A", "A", "loadgate_a");
    copy_option("C", "Shop", "loadgate_shop");  // a view, a debounced queue, a live table
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // sql/options/<from> copied to <root>/<to>, its schema renamed; `drop` (a line of its
  // option.toml, e.g. a section header) removed with the keys that follow it up to a blank.
  void copy_option(const std::string& from, const std::string& to, const std::string& schema,
                   const std::string& drop = "") {
    const auto dir = root_ / to;
    std::filesystem::copy(kShippedOptions / from, dir, std::filesystem::copy_options::recursive);
    std::ifstream in(dir / "option.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string manifest = std::regex_replace(text.str(), std::regex("loadgate_[a-z]+"), schema);
    if (!drop.empty()) {
      const auto at = manifest.find(drop);
      ASSERT_NE(at, std::string::npos) << drop;
      const auto end = manifest.find("\n\n", at);
      manifest.erase(at, end == std::string::npos ? std::string::npos : end + 1 - at);
    }
    std::ofstream(dir / "option.toml") << manifest;
  }

  // The folder's options, each with the shipped query names; `extra` adds queries to one.
  KnownOptions known_here(const std::string& extra_to = "",
                          const std::string& extra_query = "") const {
    KnownOptions k;
    k.options = option::discover({root_});
    for (const auto& o : k.options) k.queries[o.name] = kKnownQueries;
    if (!extra_to.empty()) k.queries[extra_to].insert(extra_query);
    return k;
  }

  std::filesystem::path root_;
};

constexpr const char* kOnShop = R"(name = "own"
[database]
options = ["Shop"]
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "5s", target = 2 }]
)";

// What InputError `text` raises against the folder's options: its one line, or "" if it loads.
std::string error_of(const std::string& text, const KnownOptions& known) {
  try {
    parse_scenario(text, "own.toml", known);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST_F(ScenarioOwnOptions, AnOptionFolderOtherThanABCIsAnOptionName) {
  const Scenario s = parse_scenario(kOnShop, "own.toml", known_here());
  EXPECT_EQ(s.database.options, (std::vector<std::string>{"Shop"}));
  // Shop has a view: a view fault is for it as it was for C.
  const std::string with_fault =
      std::string(kOnShop) +
      "[[faults]]\naction = \"view_unavailable\"\nat = \"1s\"\nduration = \"1s\"\n";
  EXPECT_EQ(error_of(with_fault, known_here()), "");
  const std::string on_a = std::regex_replace(with_fault, std::regex("\"Shop\""), "\"A\"");
  EXPECT_NE(error_of(on_a, known_here()).find("needs an option with a view"), std::string::npos);
}

TEST_F(ScenarioOwnOptions, AnUnknownOptionIsOneLineWithFileLineKeyAndTheOptionsThatExist) {
  // C is shipped, but this folder has no C: what exists is what the folder holds.
  const std::string text = std::regex_replace(kOnShop, std::regex("\"Shop\""), "\"A\", \"C\"");
  const std::string what = error_of(text, known_here());
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  EXPECT_EQ(what.rfind("own.toml:3:", 0), 0u) << what;
  EXPECT_NE(what.find("database.options[1]"), std::string::npos) << what;
  EXPECT_NE(what.find("unknown option \"C\""), std::string::npos) << what;
  EXPECT_NE(what.find("A, Shop"), std::string::npos) << what;
  // Named by none, the default A, B, C needs B and C, which this folder lacks.
  const std::string none =
      std::regex_replace(kOnShop, std::regex("options = \\[\"Shop\"\\]\n"), "");
  const std::string default_missing = error_of(none, known_here());
  EXPECT_NE(default_missing.find("database.options"), std::string::npos) << default_missing;
  EXPECT_NE(default_missing.find("needs option \"B\""), std::string::npos) << default_missing;
}

TEST_F(ScenarioOwnOptions, AnOptionsOwnQueryIsKnownOnlyWhenEverySelectedOptionHasIt) {
  const std::string own = std::regex_replace(kOnShop, std::regex("sku_lookup"), "shop_only");
  EXPECT_EQ(error_of(own, known_here("Shop", "shop_only")), "");
  const std::string both = std::regex_replace(own, std::regex("\"Shop\""), "\"Shop\", \"A\"");
  const std::string what = error_of(both, known_here("Shop", "shop_only"));
  EXPECT_NE(what.find("workload.mix.shop_only"), std::string::npos) << what;
  EXPECT_NE(what.find("unknown query"), std::string::npos) << what;
}

TEST_F(ScenarioOwnOptions, AStrategyNeedsItsRoleInEverySelectedOptionWithAView) {
  copy_option("C", "NoQueue", "loadgate_noqueue", "[strategies.debounced]");
  const auto known = known_here();
  ASSERT_FALSE(option::find(known.options, "NoQueue")->debounced);
  ASSERT_TRUE(option::find(known.options, "NoQueue")->view);
  const std::string base =
      std::regex_replace(kOnShop, std::regex("\"Shop\""), "\"A\", \"NoQueue\"");
  const std::string debounced = base + "[refresher]\nstrategy = \"debounced\"\n";
  const std::string what = error_of(debounced, known);
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  EXPECT_EQ(what.rfind("own.toml:9:", 0), 0u) << what;
  EXPECT_NE(what.find("refresher.strategy"), std::string::npos) << what;
  EXPECT_NE(what.find("NoQueue"), std::string::npos) << what;
  // It has a live table and a view: those strategies serve it.
  EXPECT_EQ(error_of(base + "[refresher]\nstrategy = \"trigger\"\n", known), "");
  EXPECT_EQ(error_of(base + "[refresher]\nstrategy = \"continuous\"\n", known), "");
  // A alone has no view: nothing to refresh, nothing to refuse.
  const std::string on_a = std::regex_replace(debounced, std::regex(", \"NoQueue\""), "");
  EXPECT_EQ(error_of(on_a, known), "");
}

TEST_F(ScenarioOwnOptions, HttpWithTheTriggerStrategyIsRefusedForAnyOptionWithAViewAndLiveTable) {
  std::string text = kHttp;
  text.replace(text.find("options = [\"C\"]"), 15, "options = [\"Shop\"]");
  EXPECT_EQ(error_of(text, known_here()), "");
  text.replace(text.find("[executor]"), 10, "[refresher]\nstrategy = \"trigger\"\n[executor]");
  const std::string what = error_of(text, known_here());
  EXPECT_NE(what.find("refresher.strategy"), std::string::npos) << what;
  EXPECT_NE(what.find("option Shop's view"), std::string::npos) << what;
}

}  // namespace
}  // namespace lg::scenario
