// Interoperability of loadgate's .hlog with HdrHistogram's own HistogramLogProcessor (Java), as
// shipped by Debian's libhdrhistogram-java: its percentiles of our log must equal ours within
// one histogram bucket (issue 3, item 2).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/metrics/hlog.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::metrics {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPackages = "libhdrhistogram-java default-jre-headless";

std::string find_jar() {
  for (const char* p : {"/usr/share/java/hdrhistogram.jar", "/usr/share/java/HdrHistogram.jar"}) {
    if (fs::exists(p)) return p;
  }
  return "";
}

bool have_java() { return std::system("java -version >/dev/null 2>&1") == 0; }

std::vector<std::vector<std::string>> read_csv_rows(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '"') continue;
    std::vector<std::string> fields;
    std::istringstream ls(line);
    for (std::string f; std::getline(ls, f, ',');) fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

// Java prints milliseconds with %.3f; allow one bucket of ours plus that rounding.
void expect_within_bucket(double java_ms, const Histogram& h, std::int64_t ours_us,
                          const std::string& what) {
  const double bucket_ms =
      static_cast<double>(h.layout().size_of_equivalent_range(ours_us)) / 1000.0;
  EXPECT_NEAR(java_ms, static_cast<double>(ours_us) / 1000.0, bucket_ms + 0.0005) << what;
}

class HlogInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    jar_ = find_jar();
    if (jar_.empty() || !have_java()) {
      GTEST_SKIP() << "HdrHistogram's Java tools are missing; install the Debian packages "
                   << kPackages;
    }
    char tmpl[] = "/tmp/hlog_interop.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs HistogramLogProcessor on `log` for `tag`; returns the output prefix.
  fs::path process(const fs::path& log, const std::string& tag) {
    const fs::path prefix = dir_ / ("out_" + tag);
    const std::string cmd = "java -cp " + jar_ + " org.HdrHistogram.HistogramLogProcessor -i " +
                            log.string() + " -o " + prefix.string() +
                            " -outputValueUnitRatio 1000 -csv -tag " + tag + " >" +
                            prefix.string() + ".stderr 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return prefix;
  }

  std::string jar_;
  fs::path dir_;
};

// `n` latencies spread log-uniformly over [lo_us, hi_us], split into `intervals` histograms.
std::vector<Histogram> make_intervals(double lo_us, double hi_us, int n, int intervals,
                                      unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(std::log(lo_us), std::log(hi_us));
  std::vector<Histogram> out(intervals);
  for (int i = 0; i < n; ++i) out[i % intervals].record(std::llround(std::exp(u(rng))));
  return out;
}

void check_against_java(const fs::path& prefix, const std::vector<Histogram>& intervals) {
  Histogram total;
  for (const Histogram& h : intervals) total.add(h);
  // Interval file: Timestamp, Int_Count, Int_50%, Int_90%, Int_Max, Total_Count, Total_50%,
  // Total_90%, Total_99%, Total_99.9%, Total_99.99%, Total_Max.
  const auto rows = read_csv_rows(prefix);
  ASSERT_EQ(rows.size(), intervals.size());
  Histogram running;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 12u);
    const Histogram& h = intervals[i];
    running.add(h);
    EXPECT_EQ(std::stoll(rows[i][1]), h.count());
    expect_within_bucket(std::stod(rows[i][2]), h, h.value_at_percentile(50), "interval p50");
    expect_within_bucket(std::stod(rows[i][3]), h, h.value_at_percentile(90), "interval p90");
    EXPECT_EQ(std::stoll(rows[i][5]), running.count());
  }
  const auto& last = rows.back();
  const double levels[] = {50, 90, 99, 99.9, 99.99, 100};
  for (int k = 0; k < 6; ++k) {
    expect_within_bucket(std::stod(last[6 + k]), total, total.value_at_percentile(levels[k]),
                         "total p" + std::to_string(levels[k]));
  }
  // Percentile distribution: Value, Percentile (fraction), TotalCount, 1/(1-Percentile).
  const auto dist = read_csv_rows(prefix.string() + ".hgrm");
  ASSERT_GT(dist.size(), 20u);
  for (const auto& row : dist) {
    const double p = std::stod(row[1]) * 100.0;
    expect_within_bucket(std::stod(row[0]), total, total.value_at_percentile(p),
                         "distribution at p" + row[1]);
  }
  EXPECT_EQ(std::stoll(dist.back()[2]), total.count());
}

TEST_F(HlogInterop, HistogramLogProcessorReadsOurLogWithMatchingPercentiles) {
  // 10,000 query latencies 50 µs .. 2 s and 4,000 service times 20 µs .. 50 ms, 4 intervals each.
  const auto durations = make_intervals(50, 2'000'000, 10'000, 4, 1);
  const auto service = make_intervals(20, 50'000, 4'000, 4, 2);
  const fs::path log = dir_ / "latency.hlog";
  {
    std::ofstream out(log);
    HlogWriter w(out, 1'700'000'000.0, "interop-test");
    for (int i = 0; i < 4; ++i) {
      w.write_interval("sql_duration", i, 1.0, durations[i]);
      w.write_interval("sql_service_time", i, 1.0, service[i]);
    }
  }
  check_against_java(process(log, "sql_duration"), durations);
  check_against_java(process(log, "sql_service_time"), service);
}

}  // namespace
}  // namespace lg::metrics

namespace lg::metrics {
namespace {

// A real run: `loadgate run` with ramping-arrival-rate writes latency.hlog; HdrHistogram's own
// HistogramLogProcessor, reading one series of it, reports the p50/p99 that summary.json does.
TEST_F(HlogInterop, RunsLatencyHlogMatchesTheSummary) {
  const std::string dsn = lg::test::fresh_database("hlog_run");
  const fs::path scenario = dir_ / "open.toml";
  std::ofstream(scenario)
      << "name = \"hlog\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
         "[workload.mix]\nsku_lookup = 1\n[executor]\ntype = \"ramping-arrival-rate\"\n"
         "start_rate = 100\npre_allocated_vus = 2\nmax_vus = 4\n"
         "stages = [{ duration = \"1s\", target = 300 }, { duration = \"2s\", target = 300, "
         "name = \"steady\" }]\n";
  std::string out;
  ASSERT_EQ(lg::test::run_loadgate({"run", scenario.string(), "--dsn", dsn, "--mark-db",
                                    "--results-dir", (dir_ / "results").string()},
                                   &out),
            0)
      << out;
  const fs::path run = fs::directory_iterator(dir_ / "results")->path();
  std::ifstream summary_in(run / "summary.json");
  const auto summary = nlohmann::json::parse(summary_in);
  const auto& steady = summary["options"]["A"]["queries"]["sku_lookup"]["stages"]["steady"];
  const std::string tag =
      "sql_duration{during_refresh:false;kind:read;option:A;query:sku_lookup;stage:steady}";
  const fs::path prefix = dir_ / "steady";
  const std::string cmd = "java -cp " + jar_ + " org.HdrHistogram.HistogramLogProcessor -i '" +
                          (run / "latency.hlog").string() + "' -o '" + prefix.string() +
                          "' -outputValueUnitRatio 1000 -csv -tag '" + tag + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto rows = read_csv_rows(prefix);
  ASSERT_FALSE(rows.empty());
  const auto& last = rows.back();  // running totals over the steady stage's intervals
  EXPECT_EQ(std::stoll(last[5]), steady["count"].get<std::int64_t>());
  EXPECT_NEAR(std::stod(last[6]), steady["p50_ms"].get<double>(), 0.0015);
  EXPECT_NEAR(std::stod(last[8]), steady["p99_ms"].get<double>(), 0.0015);
}

}  // namespace
}  // namespace lg::metrics
