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
  MetricData m{center, {}};
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
  EXPECT_DOUBLE_EQ(*r.change, 1.0);
  EXPECT_LT(*r.p_value, 0.001);
  EXPECT_EQ(r.n_baseline, 10u);
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

TEST(CompareGate, FigureAndSamplesDisagreeingIsNotARegression) {
  // The whole-run figure rose, but every interval of the candidate ranks lower.
  MetricData cand = around(0.5);
  cand.value = 2.0;
  const auto rows =
      gate(input({{"p95", around(1.0)}}), input({{"p95", cand}}), Tolerances::parse({}), 0.05);
  EXPECT_EQ(row_of(rows, "p95").verdict, Verdict::kNotSignificant);
}

TEST(CompareGate, ToleranceOverridesAndUngatedMetrics) {
  const auto base = input({{"p50", around(1.0)}, {"p95", around(1.0)}});
  const auto cand = input({{"p50", around(3.0)}, {"p95", around(1.3)}});
  const auto rows = gate(base, cand, Tolerances::parse({"sku_lookup.p95=0.5"}), 0.05);
  EXPECT_EQ(rows.size(), 1u);  // p50 has no default tolerance
  EXPECT_EQ(row_of(rows, "p95").verdict, Verdict::kOk);
  EXPECT_EQ(gate(base, cand, Tolerances::parse({"p50=0.1"}), 0.05).size(), 2u);
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

TEST_F(CompareCommand, BadToleranceIsAnInputError) {
  CompareOptions o;
  o.inputs = {dir_ / "same.json"};
  o.baseline = dir_ / "base.json";
  o.tolerances = {"time=lots"};
  EXPECT_THROW(execute_compare(o), InputError);
}

}  // namespace
}  // namespace lg::compare
