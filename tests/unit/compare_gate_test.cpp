// The regression gate's verdicts, and `compare` end to end on Google Benchmark JSON files.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/compare/compare_cmd.hpp"
#include "harness/compare/gate.hpp"
#include "harness/compare/table.hpp"
#include "harness/core/errors.hpp"

namespace lg::compare {
namespace {

namespace fs = std::filesystem;

// n samples spread evenly over [center·(1-spread), center·(1+spread)], figure = center.
MetricData around(double center, double spread = 0.02, int n = 10) {
  MetricData m{center, {}, {}};
  for (int i = 0; i < n; ++i) {
    m.samples.push_back(center * (1 - spread + 2 * spread * i / std::max(1, n - 1)));
  }
  return m;
}

Input input(std::map<std::string, MetricData> metrics, const std::string& name = "sku_lookup") {
  Input in;
  in.label = "x";
  in.series.push_back({"A", name, EntryKind::kQuery, std::move(metrics)});
  return in;
}

// The same, as per-interval values of one run (the fallback the gate warns about).
MetricData intervals_around(double center, double spread = 0.02, int n = 10) {
  MetricData m = around(center, spread, n);
  m.intervals = std::move(m.samples);
  m.samples.clear();
  return m;
}

std::vector<GateRow> gate(const Input& b, const Input& c, const Tolerances& t, double alpha) {
  return gate(b, c, t, GateOptions{alpha, PAdjust::kHolm}).rows;
}

const GateRow& row_of(const std::vector<GateRow>& rows, const std::string& metric) {
  for (const auto& r : rows) {
    if (r.metric == metric) return r;
  }
  throw std::runtime_error("no row for " + metric);
}

TEST(CompareGate, SignificantRiseBeyondToleranceIsARegression) {
  const auto rows = gate(input({{"p95", around(1.0)}}), input({{"p95", around(2.0)}}),
                         Tolerances::parse({}), 0.05);
  const auto& r = row_of(rows, "p95");
  EXPECT_EQ(r.verdict, Verdict::kRegression);
  // Hodges–Lehmann: the median pairwise difference over the baseline's median.
  EXPECT_NEAR(*r.change, 1.0, 0.005);
  ASSERT_TRUE(r.change_ci);
  EXPECT_LT(r.change_ci->lower, *r.change);
  EXPECT_GT(r.change_ci->upper, *r.change);
  EXPECT_GT(r.change_ci->lower, 0.9);
  EXPECT_GE(r.change_ci->level, 0.95);
  EXPECT_LT(*r.p_value, 0.001);
  EXPECT_EQ(r.n_baseline, 10u);
  EXPECT_EQ(r.samples, SampleKind::kIndependent);
}

TEST(CompareGate, SignificantRiseWithinToleranceIsOk) {
  const auto rows = gate(input({{"p95", around(1.0)}}), input({{"p95", around(1.10)}}),
                         Tolerances::parse({}), 0.05);
  EXPECT_EQ(row_of(rows, "p95").verdict, Verdict::kOk);
  EXPECT_LT(*row_of(rows, "p95").p_value, 0.05);
}

TEST(CompareGate, RiseBeyondToleranceButWithinNoiseIsNotSignificant) {
  // ±60% noise around a 20% rise: the intervals overlap too much to tell.
  const auto rows = gate(input({{"p99", around(1.0, 0.6)}}), input({{"p99", around(1.2, 0.6)}}),
                         Tolerances::parse({}), 0.05);
  EXPECT_EQ(row_of(rows, "p99").verdict, Verdict::kNotSignificant);
  EXPECT_GE(*row_of(rows, "p99").p_value, 0.05);
}

TEST(CompareGate, TooFewSamplesAreNeverJudged) {
  const auto rows = gate(input({{"p95", around(1.0, 0.02, 4)}}),
                         input({{"p95", around(10.0, 0.02, 50)}}), Tolerances::parse({}), 0.05);
  const auto& r = row_of(rows, "p95");
  EXPECT_EQ(r.verdict, Verdict::kInsufficient);
  EXPECT_FALSE(r.p_value.has_value());
  EXPECT_STREQ(verdict_name(r.verdict), "insufficient samples");
}

TEST(CompareGate, ThroughputFallIsBadAndRiseIsGood) {
  const auto fall = gate(input({{"throughput", around(1000)}}),
                         input({{"throughput", around(800)}}), Tolerances::parse({}), 0.05);
  EXPECT_EQ(row_of(fall, "throughput").verdict, Verdict::kRegression);
  const auto rise = gate(input({{"throughput", around(1000)}}),
                         input({{"throughput", around(1300)}}), Tolerances::parse({}), 0.05);
  EXPECT_EQ(row_of(rise, "throughput").verdict, Verdict::kImproved);
}

TEST(CompareGate, FigureAndIntervalsDisagreeingIsNotARegression) {
  // The whole-run figure rose, but every interval of the candidate ranks lower.
  MetricData cand = intervals_around(0.5);
  cand.value = 2.0;
  const auto rows = gate(input({{"p95", intervals_around(1.0)}}), input({{"p95", cand}}),
                         Tolerances::parse({}), 0.05);
  EXPECT_EQ(row_of(rows, "p95").verdict, Verdict::kNotSignificant);
}

TEST(CompareGate, IntervalsAreAFallbackTheGateWarnsAbout) {
  const auto g =
      gate(input({{"p95", intervals_around(1.0)}}), input({{"p95", intervals_around(2.0)}}),
           Tolerances::parse({}), GateOptions{});
  const auto& r = row_of(g.rows, "p95");
  EXPECT_EQ(r.verdict, Verdict::kRegression);
  EXPECT_EQ(r.samples, SampleKind::kIntervals);
  EXPECT_DOUBLE_EQ(*r.change, 1.0);  // whole-run figures
  EXPECT_FALSE(r.change_ci);
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_NE(g.warnings[0].find("autocorrelated"), std::string::npos) << g.warnings[0];
  // Trials on one side only: neither tested against the other's intervals nor judged.
  const auto mixed = gate(input({{"p95", around(1.0)}}), input({{"p95", intervals_around(2.0)}}),
                          Tolerances::parse({}), GateOptions{});
  EXPECT_EQ(row_of(mixed.rows, "p95").verdict, Verdict::kInsufficient);
}

// 24 queries of which one moved by as much as 5 vs 5 trials can show (p = 0.0079): alone it
// would be a regression; among 24 metrics Holm needs p <= 0.05/24 and says not significant,
// and the gate says how many trials it would take.
TEST(CompareGate, HolmControlsTheErrorOverTheFamily) {
  Input base, cand;
  for (int q = 0; q < 24; ++q) {
    const std::string name = "q" + std::to_string(q);
    base.series.push_back({"A", name, EntryKind::kQuery, {{"p95", around(1.0, 0.02, 5)}}});
    cand.series.push_back(
        {"A", name, EntryKind::kQuery, {{"p95", around(q == 7 ? 1.5 : 1.0, 0.02, 5)}}});
  }
  const auto alone =
      gate(input({{"p95", around(1.0, 0.02, 5)}}), input({{"p95", around(1.5, 0.02, 5)}}),
           Tolerances::parse({}), GateOptions{});
  EXPECT_EQ(row_of(alone.rows, "p95").verdict, Verdict::kRegression);
  EXPECT_NEAR(*row_of(alone.rows, "p95").p_value, 2.0 / 252, 1e-12);

  const auto holm = gate(base, cand, Tolerances::parse({}), GateOptions{});
  EXPECT_EQ(holm.family, 24u);
  EXPECT_EQ(holm.rows[7].verdict, Verdict::kNotSignificant);
  EXPECT_NEAR(*holm.rows[7].p_adjusted, 24 * 2.0 / 252, 1e-12);
  for (const auto& r : holm.rows) EXPECT_NE(r.verdict, Verdict::kRegression) << r.name;
  ASSERT_EQ(holm.warnings.size(), 1u);
  EXPECT_NE(holm.warnings[0].find("7 trials per side"), std::string::npos) << holm.warnings[0];

  // Every query 50% slower: Benjamini–Hochberg rejects them all (24/24 · p <= α).
  for (auto& s : cand.series) s.metrics["p95"] = around(1.5, 0.02, 5);
  const auto bh =
      gate(base, cand, Tolerances::parse({}), GateOptions{0.05, PAdjust::kBenjaminiHochberg});
  for (const auto& r : bh.rows) EXPECT_EQ(r.verdict, Verdict::kRegression) << r.name;
}

TEST(CompareGate, TrialsNeededGrowWithTheFamily) {
  EXPECT_EQ(min_trials_for(1, 0.05), 4u);   // 2/C(8,4) = 0.029
  EXPECT_EQ(min_trials_for(24, 0.05), 7u);  // 2/C(12,6) = 0.00216 > 0.05/24 = 0.00208
  EXPECT_EQ(min_trials_for(72, 0.05), 7u);  // 2/3432 = 0.00058 <= 0.00069
}

TEST(CompareGate, ToleranceOverridesAndUngatedMetrics) {
  const auto base = input({{"p50", around(1.0)}, {"p95", around(1.0)}});
  const auto cand = input({{"p50", around(3.0)}, {"p95", around(1.3)}});
  const auto rows =
      gate(base, cand, Tolerances::parse({"sku_lookup.p95=0.5", "p50=off"}), 0.05);  // NOLINT
  EXPECT_EQ(rows.size(), 1u);  // p50 turned off
  EXPECT_EQ(row_of(rows, "p95").verdict, Verdict::kOk);
  EXPECT_EQ(gate(base, cand, Tolerances::parse({}), 0.05).size(), 2u);  // p50 gated by default
}

TEST(CompareGate, SeriesMissingOnOneSideIsReportedNotFailed) {
  const auto rows = gate(input({{"p95", around(1.0)}}, "gone"), input({{"p95", around(1.0)}}),
                         Tolerances::parse({}), 0.05);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].verdict, Verdict::kMissing);
  EXPECT_FALSE(rows[0].candidate.has_value());
  EXPECT_EQ(rows[1].verdict, Verdict::kMissing);
}

TEST(CompareGate, ToleranceNamingNothingIsAnInputError) {
  const std::vector<Input> inputs = {input({{"p95", around(1.0)}})};
  EXPECT_NO_THROW(check_tolerance_names(Tolerances::parse({"A:sku_lookup.p95=0.2"}), inputs));
  EXPECT_THROW(check_tolerance_names(Tolerances::parse({"sku_lookp.p95=0.2"}), inputs), InputError);
  EXPECT_THROW(check_tolerance_names(Tolerances::parse({"D:p95=0.2"}), inputs), InputError);
}

// ---- end to end on benchmark files ----

std::string bench_json(double sku_us, double price_us) {
  nlohmann::json list = nlohmann::json::array();
  for (int rep = 0; rep < 6; ++rep) {
    for (const auto& [name, us] :
         {std::pair{"sku_lookup/A", sku_us}, {"price_range/A", price_us}}) {
      list.push_back({{"name", name},
                      {"run_name", name},
                      {"run_type", "iteration"},
                      {"repetition_index", rep},
                      {"real_time", us * (1 + 0.01 * rep)},
                      {"time_unit", "us"}});
    }
  }
  return nlohmann::json{{"benchmarks", list}}.dump();
}

class CompareCommand : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lg-compare-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    std::ofstream(dir_ / "base.json") << bench_json(60, 400);
    std::ofstream(dir_ / "same.json") << bench_json(61, 398);
    std::ofstream(dir_ / "slow.json") << bench_json(200, 401);
  }
  void TearDown() override { fs::remove_all(dir_); }

  int run(const std::string& candidate, const std::string& format, std::string* out) {
    CompareOptions o;
    o.inputs = {dir_ / candidate};
    o.baseline = dir_ / "base.json";
    o.format = format;
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();  // verdict lines of --format json go there
    const int rc = execute_compare(o);
    *out = testing::internal::GetCapturedStdout();
    err_ = testing::internal::GetCapturedStderr();
    return rc;
  }

  fs::path dir_;
  std::string err_;
};

TEST_F(CompareCommand, SlowerCandidateExitsFourNamingTheQuery) {
  std::string out;
  EXPECT_EQ(run("slow.json", "text", &out), static_cast<int>(ExitCode::kRegression));
  EXPECT_NE(out.find("regression: slow.json: option A, benchmark sku_lookup, time: baseline "
                     "0.06150 ms, candidate 0.2050 ms, change +233.3%"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("price_range, time"), std::string::npos) << out;
}

TEST_F(CompareCommand, UnchangedCandidateExitsZero) {
  std::string out;
  EXPECT_EQ(run("same.json", "text", &out), 0);
  EXPECT_NE(out.find("no regression against the baseline"), std::string::npos) << out;
}

TEST_F(CompareCommand, MarkdownAndJsonFormats) {
  std::string md, js;
  run("slow.json", "md", &md);
  EXPECT_NE(md.find("| option | benchmark | metric | [1] | [2] | [2]/[1] |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| --- | --- | --- | ---: |"), std::string::npos) << md;
  run("slow.json", "json", &js);
  const auto doc = nlohmann::json::parse(js);  // stdout holds only the document
  EXPECT_NE(err_.find("regression: slow.json: option A, benchmark sku_lookup, time"),
            std::string::npos)
      << err_;
  EXPECT_EQ(doc["inputs"][0]["role"], "baseline");
  EXPECT_EQ(doc["gate"]["regressions"], 1);
  bool found = false;
  for (const auto& r : doc["gate"]["comparisons"][0]["rows"]) {
    if (r["name"] == "sku_lookup" && r["metric"] == "time") {
      found = true;
      EXPECT_EQ(r["verdict"], "REGRESSION");
      EXPECT_LT(r["p_value"].get<double>(), 0.05);
    }
  }
  EXPECT_TRUE(found) << js;
}

// A baseline from a machine 30% faster: every metric would move together. compare refuses in
// one line instead of reporting the machine as regressions.
TEST_F(CompareCommand, CalibrationsTooFarApartAreRefusedInOneLine) {
  for (const auto& [name, mops] :
       {std::pair{"fast", 320.0}, std::pair{"slow", 240.0}, std::pair{"near", 250.0}}) {
    fs::create_directories(dir_ / name);
    std::ofstream(dir_ / name / "summary.json")
        << R"({"run": {"complete": true}, "options": {"A": {"queries": {"q": {"all": )"
        << R"({"p50_ms": 1, "p95_ms": 2, "p99_ms": 3, "throughput_per_s": 100}}}}},)"
        << R"("environment": {"calibration": {"cpu_mops": )" << mops
        << R"(, "statements_per_s": 28000}}})";
  }
  CompareOptions o;
  o.baseline = dir_ / "fast";
  o.inputs = {dir_ / "slow"};
  try {
    execute_compare(o);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find("machines too different"), std::string::npos) << what;
    EXPECT_NE(what.find("-25%"), std::string::npos) << what;
    EXPECT_EQ(e.field(), "--baseline");
  }
  o.calibration_tolerance = 0.3;
  std::string ignored;
  testing::internal::CaptureStdout();
  EXPECT_EQ(execute_compare(o), 0);
  ignored = testing::internal::GetCapturedStdout();
  o.calibration_tolerance = 0.15;
  o.baseline = dir_ / "near";  // 4% apart: the same machine type
  testing::internal::CaptureStdout();
  EXPECT_EQ(execute_compare(o), 0);
  ignored = testing::internal::GetCapturedStdout();
}

TEST_F(CompareCommand, BadToleranceIsAnInputError) {
  CompareOptions o;
  o.inputs = {dir_ / "same.json"};
  o.baseline = dir_ / "base.json";
  o.tolerances = {"time=lots"};
  EXPECT_THROW(execute_compare(o), InputError);
}

}  // namespace
}  // namespace lg::compare
