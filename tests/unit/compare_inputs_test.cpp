// Loading compare's inputs: a run folder written here (summary.json, series.json via
// write_series_json, timeseries.csv) and Google Benchmark JSON text.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/compare/inputs.hpp"
#include "harness/core/errors.hpp"
#include "harness/results/run_folder.hpp"
#include "harness/results/series_file.hpp"
#include "harness/results/stats.hpp"

namespace lg::compare {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "lg-compare-XXXXXX").string();
  return fs::path(mkdtemp(tmpl.data()));
}

metrics::SeriesStats trend(const std::string& metric, Tags tags, std::int64_t from_us,
                           std::int64_t n) {
  metrics::SeriesStats s{
      metric, metrics::MetricKind::kTrend, make_tags(std::move(tags)), metrics::Histogram(), n, 0,
      10.0};
  for (std::int64_t i = 0; i < n; ++i) s.hist->record(from_us + i);
  return s;
}

constexpr const char* kCsvHeader =
    "option,stage,t_start_s,t_end_s,metric,query,request,read_source,kind,during_refresh,count,"
    "errors,throughput_per_s,p50_ms,p95_ms,p99_ms,max_ms,vus,refresh_in_flight\n";

// Interval [0,1): two rows (outside / during a refresh) to combine; [1,2): one row; [2,2.3):
// too short; [3,4): empty. Writes and service-time rows must be ignored.
constexpr const char* kCsvRows =
    "A,s,0.000,1.000,sql_duration,sku_lookup,,,read,false,90,0,90.00,0.5,1.000,2.0,3,2,0\n"
    "A,s,0.000,1.000,sql_duration,sku_lookup,,,read,true,10,0,10.00,0.7,2.000,4.0,5,2,1\n"
    "A,s,0.000,1.000,sql_service_time,sku_lookup,,,read,false,90,0,90.00,9,9,9,9,2,0\n"
    "A,s,0.000,1.000,sql_duration,update_price_stock,,,write,,5,0,5.00,9,9,9,9,2,0\n"
    "A,s,1.000,2.000,sql_duration,sku_lookup,,,read,false,50,0,50.00,0.4,0.800,1.5,2,2,0\n"
    "A,s,2.000,2.300,sql_duration,sku_lookup,,,read,false,30,0,100.00,9,9,9,9,2,0\n"
    "A,s,3.000,4.000,sql_duration,sku_lookup,,,read,false,0,0,0.00,0,0,0,0,2,0\n"
    "A,s,0.000,1.000,http_req_duration,,search,view,,false,40,0,40.00,1.0,3.000,5.0,6,2,0\n";

TEST(CompareTimeseries, CombinesRowsOfOneIntervalAndDropsShortOrEmptyOnes) {
  const auto samples =
      interval_samples(results::parse_timeseries_csv(std::string(kCsvHeader) + kCsvRows, "t.csv"));
  const auto& sku = samples.at({"A", "sku_lookup"});
  // [0,1): counts 90 + 10; p95 weighted (90·1 + 10·2) / 100 = 1.1; [1,2): as is.
  ASSERT_EQ(sku.at("p95").size(), 2u);
  EXPECT_DOUBLE_EQ(sku.at("p95")[0], 1.1);
  EXPECT_DOUBLE_EQ(sku.at("p95")[1], 0.8);
  EXPECT_DOUBLE_EQ(sku.at("p99")[0], 2.2);
  EXPECT_DOUBLE_EQ(sku.at("p50")[0], 0.52);
  EXPECT_DOUBLE_EQ(sku.at("throughput")[0], 100.0);
  EXPECT_DOUBLE_EQ(sku.at("throughput")[1], 50.0);
  EXPECT_EQ(samples.count({"A", "update_price_stock"}), 0u);
  EXPECT_DOUBLE_EQ(samples.at({"A", "search"}).at("p99")[0], 5.0);
}

class CompareRunFolder : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir();
    // sku_lookup: 900 fast samples outside refreshes, 100 slow ones during a refresh.
    series_ = {
        trend("sql_duration",
              {{"option", "A"},
               {"query", "sku_lookup"},
               {"kind", "read"},
               {"stage", "s"},
               {"during_refresh", "false"}},
              100, 900),
        trend("sql_duration",
              {{"option", "A"},
               {"query", "sku_lookup"},
               {"kind", "read"},
               {"stage", "s"},
               {"during_refresh", "true"}},
              5000, 100),
        trend("sql_duration",
              {{"option", "A"}, {"query", "update_price_stock"}, {"kind", "write"}, {"stage", "s"}},
              2000, 50),
        trend("http_req_duration", {{"option", "A"}, {"request", "search"}, {"stage", "s"}}, 300,
              400)};
    std::ofstream(dir_ / "summary.json")
        << R"({"run": {"complete": false, "incomplete_reason": "interrupted"},
               "options": {"A": {"queries": {"sku_lookup": {"all": {"p50_ms": 0.5,
               "p95_ms": 1.5, "p99_ms": 2.5, "throughput_per_s": 42.0}}}}}})";
    std::ofstream(dir_ / "timeseries.csv") << kCsvHeader << kCsvRows;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::vector<metrics::SeriesStats> series_;
};

TEST_F(CompareRunFolder, FiguresComeFromSeriesHistogramsAndSamplesFromTimeseries) {
  results::write_series_json(series_, dir_ / "series.json");
  const Input in = load_input(dir_);
  EXPECT_FALSE(in.benchmark);
  EXPECT_EQ(in.label, dir_.filename().string());
  ASSERT_EQ(in.series.size(), 2u);  // the read query and the request, not the write
  const Series* sku = in.find("A", "sku_lookup");
  ASSERT_NE(sku, nullptr);
  EXPECT_EQ(sku->kind, EntryKind::kQuery);
  const auto merged = results::merge_series(
      series_, "sql_duration",
      make_tags({{"option", "A"}, {"query", "sku_lookup"}, {"kind", "read"}}));
  const auto expected = results::latency_stats(*merged);
  EXPECT_DOUBLE_EQ(sku->metrics.at("p99").value, expected.p99_ms);
  EXPECT_GT(sku->metrics.at("p99").value, 4.9);  // the slow refresh-time tail counts
  EXPECT_DOUBLE_EQ(sku->metrics.at("throughput").value, 100.0);  // 1000 samples over 10 s
  EXPECT_EQ(sku->metrics.at("p95").intervals.size(), 2u);
  EXPECT_EQ(in.find("A", "search")->kind, EntryKind::kRequest);
  ASSERT_EQ(in.notes.size(), 1u);
  EXPECT_NE(in.notes[0].find("incomplete run (interrupted)"), std::string::npos);
}

TEST_F(CompareRunFolder, WithoutSeriesJsonFiguresComeFromSummary) {
  const Input in = load_input(dir_ / "summary.json");  // the file stands for its folder
  const Series* sku = in.find("A", "sku_lookup");
  ASSERT_NE(sku, nullptr);
  EXPECT_DOUBLE_EQ(sku->metrics.at("p95").value, 1.5);
  EXPECT_DOUBLE_EQ(sku->metrics.at("throughput").value, 42.0);
  EXPECT_EQ(sku->metrics.at("p95").intervals.size(), 2u);
}

// A run of 3 trials: one sample per trial from that trial's histograms, medians as figures.
std::vector<metrics::SeriesStats> three_trials(std::int64_t base_us) {
  std::vector<metrics::SeriesStats> out;
  for (int t = 1; t <= 3; ++t) {
    out.push_back(trend("sql_duration",
                        {{"option", "A"},
                         {"query", "sku_lookup"},
                         {"kind", "read"},
                         {"stage", "s"},
                         {"trial", std::to_string(t)}},
                        base_us * t, 100 * t));
  }
  return out;
}

void write_run(const fs::path& dir, std::int64_t base_us, double cpu_mops) {
  fs::create_directories(dir);
  results::write_series_json(three_trials(base_us), dir / "series.json");
  std::ofstream(dir / "summary.json")
      << R"({"run": {"complete": true}, "options": {}, "environment": {"calibration": )"
      << R"({"cpu_mops": )" << cpu_mops << R"(, "statements_per_s": 20000}}})";
}

TEST_F(CompareRunFolder, TrialsOfARunAreItsSamples) {
  write_run(dir_ / "r", 1000, 240);
  const Input in = load_input(dir_ / "r");
  EXPECT_EQ(in.trials, 3u);
  ASSERT_TRUE(in.calibration);
  EXPECT_DOUBLE_EQ(in.calibration->cpu_mops, 240);
  EXPECT_DOUBLE_EQ(in.calibration->statements_per_s, 20000);
  const auto& p50 = in.find("A", "sku_lookup")->metrics.at("p50");
  ASSERT_EQ(p50.samples.size(), 3u);
  // Trial t holds 100·t values from t ms up: its median is about t ms + 50·t µs.
  EXPECT_NEAR(p50.samples[0], 1.05, 0.01);
  EXPECT_NEAR(p50.samples[2], 3.15, 0.02);
  EXPECT_DOUBLE_EQ(p50.value, p50.samples[1]);
  // Each trial's throughput over its own 10 s: 10, 20 and 30 per second.
  EXPECT_EQ(in.find("A", "sku_lookup")->metrics.at("throughput").samples,
            (std::vector<double>{10, 20, 30}));
}

TEST_F(CompareRunFolder, AFolderOfRunsIsOneInputWhoseTrialsAreSamples) {
  const fs::path runs = dir_ / "baseline";
  write_run(runs / "20261203T010000Z-n", 1000, 240);
  write_run(runs / "20261203T010100Z-n", 1000, 250);
  write_run(runs / "20261203T010200Z-n", 1000, 230);
  const Input in = load_input(runs);
  EXPECT_EQ(in.label, "baseline");
  EXPECT_EQ(in.trials, 9u);
  EXPECT_EQ(in.find("A", "sku_lookup")->metrics.at("p95").samples.size(), 9u);
  ASSERT_TRUE(in.calibration);
  EXPECT_DOUBLE_EQ(in.calibration->cpu_mops, 240);  // the median run's
  EXPECT_THROW(load_runs(dir_ / "baseline" / "20261203T010000Z-n"), InputError);
}

TEST_F(CompareRunFolder, MissingOrMalformedInputsNameTheFile) {
  EXPECT_THROW(load_input(dir_ / "nope"), InputError);
  std::ofstream(dir_ / "summary.json") << "{ not json";
  try {
    load_input(dir_);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "summary.json").string()), std::string::npos)
        << e.what();
  }
  fs::remove(dir_ / "summary.json");
  try {
    load_input(dir_);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a run folder"), std::string::npos) << e.what();
  }
}

// Two repetitions of BM_Query/sku_lookup/A (µs), its aggregates (not samples), a failed
// benchmark, and a family reported by aggregates only.
constexpr const char* kBenchJson = R"({
  "context": {"date": "2026-11-22"},
  "benchmarks": [
    {"name": "BM_Query/sku_lookup/A/repeats:2", "run_name": "BM_Query/sku_lookup/A/repeats:2",
     "run_type": "iteration", "repetitions": 2, "repetition_index": 0, "iterations": 100,
     "real_time": 60.0, "cpu_time": 20.0, "time_unit": "us", "p95_ms": 0.09,
     "items_per_second": 16000.0},
    {"name": "BM_Query/sku_lookup/A/repeats:2", "run_name": "BM_Query/sku_lookup/A/repeats:2",
     "run_type": "iteration", "repetitions": 2, "repetition_index": 1, "iterations": 100,
     "real_time": 80.0, "cpu_time": 20.0, "time_unit": "us", "p95_ms": 0.11,
     "items_per_second": 12000.0},
    {"name": "BM_Query/sku_lookup/A/repeats:2_mean", "run_name": "BM_Query/sku_lookup/A/repeats:2",
     "run_type": "aggregate", "aggregate_name": "mean", "repetitions": 2,
     "real_time": 999.0, "cpu_time": 20.0, "time_unit": "us"},
    {"name": "BM_Broken", "run_name": "BM_Broken", "run_type": "iteration",
     "error_occurred": true, "error_message": "no database", "real_time": 0, "time_unit": "ns"},
    {"name": "price_range/B/real_time_median", "run_name": "price_range/B/real_time",
     "run_type": "aggregate", "aggregate_name": "median", "real_time": 0.5, "time_unit": "ms"},
    {"name": "BM_Record/1000", "run_name": "BM_Record/1000", "run_type": "iteration",
     "real_time": 1500.0, "time_unit": "ns"}
  ]
})";

TEST(CompareBenchmarkJson, FamiliesBecomeSeriesWithRepetitionsAsSamples) {
  const Input in = load_benchmark_json(kBenchJson, "dir/bench.json");
  EXPECT_TRUE(in.benchmark);
  EXPECT_EQ(in.label, "bench.json");
  ASSERT_EQ(in.series.size(), 3u);
  const Series* sku = in.find("A", "sku_lookup");
  ASSERT_NE(sku, nullptr);
  EXPECT_EQ(sku->kind, EntryKind::kBenchmark);
  EXPECT_EQ(sku->metrics.at("time").samples, (std::vector<double>{0.06, 0.08}));
  EXPECT_DOUBLE_EQ(sku->metrics.at("time").value,
                   0.07);  // median of repetitions, not the mean aggregate
  EXPECT_DOUBLE_EQ(sku->metrics.at("p95").value, 0.1);
  EXPECT_DOUBLE_EQ(sku->metrics.at("throughput").value, 14000.0);
  const Series* price = in.find("B", "price_range");
  ASSERT_NE(price, nullptr);
  EXPECT_DOUBLE_EQ(price->metrics.at("time").value, 0.5);
  EXPECT_TRUE(price->metrics.at("time").samples.empty());
  const Series* record = in.find("", "BM_Record/1000");
  ASSERT_NE(record, nullptr);
  EXPECT_DOUBLE_EQ(record->metrics.at("time").value, 0.0015);
  ASSERT_EQ(in.notes.size(), 1u);
  EXPECT_NE(in.notes[0].find("no database"), std::string::npos);
}

// Google Benchmark prints a constant counter's cv as a bare NaN (not JSON); such files load.
TEST(CompareBenchmarkJson, BareNanAndInfinityFromGoogleBenchmarkAreAccepted) {
  const Input in = load_benchmark_json(R"({"benchmarks": [
    {"name": "q/A", "run_name": "q/A", "run_type": "iteration", "real_time": 50.0,
     "time_unit": "us", "errors": 0},
    {"name": "q/A_cv", "run_name": "q/A", "run_type": "aggregate", "aggregate_name": "cv",
     "real_time": NaN, "time_unit": "us", "errors": NaN, "x": -Infinity, "label": "a: NaN"}
  ]})",
                                       "b.json");
  const Series* q = in.find("A", "q");
  ASSERT_NE(q, nullptr);
  EXPECT_DOUBLE_EQ(q->metrics.at("time").value, 0.05);
}

TEST(CompareBenchmarkJson, NonBenchmarkFilesAreRejectedNamingTheFile) {
  for (const char* text : {"not json", R"({"context": {}})", R"([1, 2])"}) {
    try {
      load_benchmark_json(text, "x/bench.json");
      FAIL() << text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.at().file, "x/bench.json");
    }
  }
  EXPECT_THROW(load_benchmark_json(R"({"benchmarks": [{"name": "x", "real_time": 1,
                                        "time_unit": "fortnights"}]})",
                                   "b.json"),
               InputError);
}

}  // namespace
}  // namespace lg::compare
