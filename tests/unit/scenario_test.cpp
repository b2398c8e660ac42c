// Scenario loader: a full file lands field by field; each kind of mistake gives one line naming
// file:line, the key path and the problem; the shipped scenarios load.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/scenario/model.hpp"

namespace lg::scenario {
namespace {

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
  Scenario s = parse_scenario(kFull, "full.toml", kKnownQueries);
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.description, "every field");
  EXPECT_EQ(s.file, "full.toml");
  EXPECT_EQ(s.source_text, kFull);
  EXPECT_EQ(s.dataset.products, 20'000);
  EXPECT_EQ(s.dataset.seed, 7u);
  EXPECT_EQ(s.database.options, (std::vector<char>{'C', 'A'}));
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

TEST(ScenarioLoad, OptionalSectionsKeepDefaults) {
  Scenario s = parse_scenario(R"(name = "min"
[workload.mix]
sku_lookup = 1
[executor]
stages = [{ duration = "1s", target = 3 }]
)",
                              "min.toml", kKnownQueries);
  EXPECT_EQ(s.dataset.products, 10'000);
  EXPECT_EQ(s.dataset.seed, 42u);
  EXPECT_EQ(s.database.options, (std::vector<char>{'A', 'B', 'C'}));
  EXPECT_EQ(s.executor.start_vus, 1);
  EXPECT_EQ(s.executor.warmup, 0);
  EXPECT_FALSE(s.refresher.enabled);
  EXPECT_FALSE(s.writer.enabled);
  EXPECT_TRUE(s.thresholds.empty());
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
                              "w.toml", kKnownQueries, kKnownWrites);
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
                              "s.toml", kKnownQueries);
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
                              "t.toml", kKnownQueries);
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
                              "w.toml", kKnownQueries);
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

std::string base_with(int first, int last, const std::string& text) {
  std::string out;
  int n = 0;
  for (const char* l : kBase) {
    ++n;
    if (n < first || n > last) out += std::string(l) + "\n";
    if (n == first) out += text + "\n";
  }
  return out;
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
     "expected \"A\", \"B\" or \"C\", got \"D\""},
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

TEST_P(ScenarioBadInput, OneLineErrorNamesFileLineAndField) {
  const BadCase& c = GetParam();
  std::string text = base_with(c.line, c.last == 0 ? c.line : c.last, c.text);
  try {
    parse_scenario(text, "bad.toml", kKnownQueries, kKnownWrites);
    FAIL() << "accepted:\n" << text;
  } catch (const InputError& e) {
    std::string what = e.what();
    SCOPED_TRACE(what);
    EXPECT_EQ(what.find('\n'), std::string::npos);
    EXPECT_EQ(what.rfind("bad.toml:" + std::to_string(c.expect_line) + ":", 0), 0u);
    EXPECT_EQ(e.field(), c.field);
    EXPECT_NE(what.find(c.message), std::string::npos);
    if (*c.field != '\0') {
      EXPECT_NE(what.find(std::string(": ") + c.field + ": "), std::string::npos);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ScenarioBadInput, ::testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(ScenarioLoad, UnreadablePathIsInputError) {
  EXPECT_THROW(load_scenario("/nonexistent/loadgate/none.toml", kKnownQueries), InputError);
  EXPECT_THROW(load_scenario(LOADGATE_SOURCE_DIR "/scenarios", kKnownQueries), InputError);
}

std::filesystem::path repo_scenario(const char* name) {
  return std::filesystem::path(LOADGATE_SOURCE_DIR) / "scenarios" / name;
}

TEST(ShippedScenarios, SmokeLoads) {
  Scenario s = load_scenario(repo_scenario("smoke.toml"), kKnownQueries);
  EXPECT_EQ(s.name, "smoke");
  EXPECT_EQ(s.dataset.products, 10'000);
  EXPECT_EQ(s.dataset.seed, 42u);
  EXPECT_EQ(s.database.options, (std::vector<char>{'A', 'B', 'C'}));
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
  Scenario s = load_scenario(repo_scenario("compare-options.toml"), kKnownQueries);
  EXPECT_EQ(s.dataset.products, 100'000);
  EXPECT_EQ(s.database.options, (std::vector<char>{'A', 'B', 'C'}));
  EXPECT_EQ(s.mix.size(), kKnownQueries.size());
  EXPECT_EQ(s.executor.peak_vus(), 16);
  EXPECT_TRUE(s.refresher.enabled);
  EXPECT_TRUE(s.writer.enabled);
  EXPECT_FALSE(s.thresholds.empty());
}

TEST(ShippedScenarios, NightlyGatesTheSteadyStageOnTheSlos) {
  Scenario s = load_scenario(repo_scenario("nightly.toml"), kKnownQueries);
  EXPECT_EQ(s.dataset.products, 100'000);
  EXPECT_EQ(s.database.options, (std::vector<char>{'A', 'B', 'C'}));
  EXPECT_EQ(s.executor.stages.back().name, "steady");
  bool steady_gate = false;
  for (const auto& t : s.thresholds) {
    steady_gate |= t.selector.find("stage:steady") != std::string::npos;
  }
  EXPECT_TRUE(steady_gate);
}

TEST(ShippedScenarios, ScaleOneMillionCarriesTheSloTable) {
  Scenario s = load_scenario(repo_scenario("scale-1m.toml"), kKnownQueries, kKnownWrites);
  EXPECT_EQ(s.dataset.products, 1'000'000);
  EXPECT_EQ(s.database.options, (std::vector<char>{'A', 'C'}));
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
  Scenario a = load_scenario(repo_scenario("scale-1m.toml"), kKnownQueries, kKnownWrites);
  Scenario t = load_scenario(repo_scenario("scale-1m-trigger.toml"), kKnownQueries, kKnownWrites);
  EXPECT_EQ(t.refresher.strategy, RefreshStrategy::kTrigger);
  EXPECT_EQ(t.database.options, (std::vector<char>{'C'}));
  EXPECT_EQ(t.dataset.products, a.dataset.products);
  EXPECT_EQ(t.database.settings, a.database.settings);
  ASSERT_EQ(t.mix.size(), a.mix.size());
  for (std::size_t i = 0; i < a.mix.size(); ++i) EXPECT_EQ(t.mix[i].weight, a.mix[i].weight);
  EXPECT_EQ(t.executor.stages.size(), a.executor.stages.size());
  EXPECT_EQ(t.executor.total_duration(), a.executor.total_duration());
  EXPECT_EQ(t.writer.executor.stages.size(), a.writer.executor.stages.size());
  EXPECT_EQ(t.writer.mix.size(), a.writer.mix.size());
}

TEST(ShippedScenarios, RolloutStepsTheViewAndInjectsAFault) {
  Scenario s = load_scenario(repo_scenario("rollout.toml"), kKnownQueries);
  EXPECT_EQ(s.dataset.products, 100'000);
  EXPECT_EQ(s.database.options, (std::vector<char>{'C'}));
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
      "car.toml", kArrivalQueries);
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
      "rar.toml", kArrivalQueries);
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
                              "x.toml", kArrivalQueries),
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
      "t.toml", {"sku_lookup"});
  ASSERT_EQ(s.thresholds.size(), 2u);
  EXPECT_FALSE(s.thresholds[0].abort_on_fail);
  EXPECT_TRUE(s.thresholds[1].abort_on_fail);
  EXPECT_EQ(s.thresholds[1].delay_abort_eval, 10 * kNanosPerSecond);
  EXPECT_EQ(s.thresholds[1].source, "p(99)<100");
  EXPECT_THROW(parse_scenario("name = \"t\"\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
                              "stages = [{ duration = \"5s\", target = 1 }]\n[thresholds]\n"
                              "\"sql_duration\" = [{ threshold = \"p(99)<100\", abort = true }]\n",
                              "t.toml", {"sku_lookup"}),
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
  const auto s = parse_scenario(kHttp, "h.toml", kKnownQueries);
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
    parse_scenario(text, "h.toml", kKnownQueries);
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
                    "http:// or https://");
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
                    "needs option \"C\"");
  expect_http_error("pre_allocated_vus = 4", "pre_allocated_vus = 901", "executor", "at most 900");
  expect_http_error(
      "[http]\ncatalog_api = true\nmv_rollout_percent = 10\napi_pool = 8\n"
      "timeout = \"2s\"",
      "[writer]\nrate = 1", "workload.requests", "needs an [http] section");
}

TEST(ScenarioHttp, RolloutStepNeedsHttpWorkload) {
  const std::string sql = std::string(kBase[0]) +
                          "\n[workload.mix]\nsku_lookup = 1\n[executor]\n"
                          "stages = [{ duration = \"1s\", target = 1, mv_rollout_percent = 5 }]\n";
  try {
    parse_scenario(sql, "s.toml", kKnownQueries);
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
      "r.toml", kKnownQueries);
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
      "s.toml", kKnownQueries);
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
