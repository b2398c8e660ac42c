// `loadgate report` end to end on hand-made run folders, with the real gnuplot: which plots a
// run gets (one option, HTTP, no refreshes, no series.json, cut short) and the errors a user
// sees for a wrong folder or a missing gnuplot.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/core/errors.hpp"
#include "harness/report/gnuplot.hpp"
#include "harness/report/plots.hpp"
#include "harness/report/report_cmd.hpp"
#include "harness/results/series_file.hpp"

namespace lg::report {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReportRender : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lg-report-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  // One row per second for `seconds` seconds: 100 reads (3 failed at t=2), p50 1 ms, p95 4 ms,
  // p99 rising from 6 ms, max 20 ms, 4 VUs; stage "ramp" for the first half, then "steady".
  static std::string csv_rows(const std::string& option, const std::string& metric,
                              const std::string& entry, bool http, int seconds) {
    std::string s;
    for (int t = 0; t < seconds; ++t) {
      s += option + "," + (t < seconds / 2 ? "ramp" : "steady") + "," + std::to_string(t) +
           ".000," + std::to_string(t + 1) + ".000," + metric + "," + (http ? "" : entry) + "," +
           (http ? entry : "") + ",," + (http ? "" : "read") + ",false,100," +
           (t == 2 ? "3" : "0") + ",100.00,1.0,4.0," + std::to_string(6 + t) + ".0,20.0,4,0\n";
    }
    return s;
  }
  static metrics::SeriesStats series(const std::string& metric, const Tags& tags) {
    metrics::SeriesStats s;
    s.metric = metric;
    s.tags = make_tags(tags);
    s.hist.emplace();
    for (int v = 1; v <= 2000; ++v) s.hist->record(100 + v * v / 100);
    s.count = s.hist->count();
    s.seconds = 6;
    return s;
  }
  // The plots rendered into `out`/plots, by name.
  static std::vector<std::string> plot_names(const fs::path& out) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out / "plots")) {
      if (e.path().extension() == ".png") names.push_back(e.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

constexpr const char* kHeader =
    "option,stage,t_start_s,t_end_s,metric,query,request,read_source,kind,during_refresh,count,"
    "errors,throughput_per_s,p50_ms,p95_ms,p99_ms,max_ms,vus,refresh_in_flight\n";

TEST_F(ReportRender, OneSqlOptionWithoutRefreshesOrSeriesJson) {
  write("summary.json", R"({"run": {"id": "one", "complete": true},
      "scenario": {"name": "one", "database": {"options": ["A"]}},
      "options": {"A": {"measured": true, "refreshes": [],
        "queries": {"q1": {"all": {"count": 600, "p50_ms": 1, "p95_ms": 4, "p99_ms": 8}}}}},
      "thresholds": [], "verdict": "pass"})");
  write("timeseries.csv", kHeader + csv_rows("A", "sql_duration", "q1", false, 6));
  ASSERT_EQ(execute_report({{dir_}, {}}), 0);
  // No series.json: no spectrum; one option: no bars.
  EXPECT_EQ(plot_names(dir_),
            (std::vector<std::string>{"latency_over_time", "throughput_over_time"}));
  const std::string html = slurp(dir_ / "report.html");
  EXPECT_NE(html.find("series.json is missing"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_GT(fs::file_size(dir_ / "plots" / "latency_over_time.png"), 5000u);
  // The data gnuplot drew is kept beside the script, for rerunning or restyling it by hand.
  EXPECT_NE(slurp(dir_ / "plots" / "latency_A.dat").find("0.5 1 4 6 20"), std::string::npos);
  EXPECT_NE(slurp(dir_ / "plots" / "latency_over_time.gp").find("'ramp'"), std::string::npos);
}

TEST_F(ReportRender, HttpRunWithTwoOptionsGetsEveryPlot) {
  write("summary.json", R"({"run": {"id": "http", "complete": true},
      "scenario": {"name": "http", "database": {"options": ["A", "C"]}},
      "options": {
        "A": {"measured": true, "requests": {"product": {"all": {"p50_ms": 1, "p95_ms": 2, "p99_ms": 3}}}},
        "C": {"measured": true, "requests": {"product": {"all": {"p50_ms": 1.5, "p95_ms": 2, "p99_ms": 9}}},
              "refreshes": [{"start_s": 1.0, "duration_ms": 800, "ok": true, "error": ""},
                            {"start_s": 4.0, "duration_ms": 100, "ok": false, "error": "x"}],
              "steps": [{"what": "view_unavailable begin", "at_s": 2.0, "ok": true, "error": ""},
                        {"what": "view_unavailable end", "at_s": 3.5, "ok": true, "error": ""}]}},
      "thresholds": [], "verdict": "pass"})");
  write("timeseries.csv", kHeader + csv_rows("A", "http_req_duration", "product", true, 6) +
                              csv_rows("C", "http_req_duration", "product", true, 6) +
                              "C,steady,5.000,6.000,dropped_iterations,,,,,,12,0,12,0,0,0,0,4,0\n");
  results::write_series_json(
      {series("http_req_duration", {{"option", "A"}, {"request", "product"}, {"stage", "ramp"}}),
       series("http_req_duration", {{"option", "C"}, {"request", "product"}, {"stage", "ramp"}})},
      dir_ / "series.json");
  const fs::path out = dir_ / "elsewhere";
  ASSERT_EQ(execute_report({{dir_}, out}), 0);
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_FALSE(fs::exists(dir_ / "report.html")) << "--out must leave the run folder alone";
  EXPECT_EQ(plot_names(out),
            (std::vector<std::string>{"latency_over_time", "percentile_spectrum",
                                      "percentiles_by_option", "throughput_over_time"}));
  const std::string gp = slurp(out / "plots" / "latency_over_time.gp");
  EXPECT_NE(gp.find("failed refresh"), std::string::npos);
  EXPECT_NE(gp.find("fault: view_unavailable"), std::string::npos);
  EXPECT_NE(slurp(out / "plots" / "throughput_C.dat").find(" 12 4"), std::string::npos)
      << "dropped iterations per second, then VUs";
  const std::string html = slurp(out / "report.html");
  EXPECT_EQ(html.find("series.json is missing"), std::string::npos);
  for (const char* id : {"latency_over_time", "throughput_over_time", "percentile_spectrum",
                         "percentiles_by_option"}) {
    EXPECT_NE(html.find(std::string("<figure id=\"") + id + "\">"), std::string::npos) << id;
  }
}

TEST_F(ReportRender, RunCutShortBeforeItsSecondOption) {
  write("summary.json", R"({"run": {"id": "cut", "complete": false,
        "incomplete_reason": "interrupted"},
      "scenario": {"name": "cut", "database": {"options": ["A", "B"]}},
      "options": {"A": {"measured": true,
                        "queries": {"q1": {"all": {"p50_ms": 1, "p95_ms": 2, "p99_ms": 3}}}},
                  "B": {"measured": false, "queries": {}}},
      "thresholds": [], "verdict": "pass"})");
  write("timeseries.csv", kHeader + csv_rows("A", "sql_duration", "q1", false, 3));
  ASSERT_EQ(execute_report({{dir_}, {}}), 0);
  EXPECT_EQ(plot_names(dir_),
            (std::vector<std::string>{"latency_over_time", "throughput_over_time"}));
  // Only option A has data: one panel, not an empty one for B.
  EXPECT_EQ(slurp(dir_ / "plots" / "latency_over_time.gp").find("option B"), std::string::npos);
  EXPECT_NE(slurp(dir_ / "report.html").find("<b>incomplete</b>"), std::string::npos);
}

TEST_F(ReportRender, RunWithoutTimeseriesStillGetsAPage) {
  write("summary.json", R"({"run": {"id": "early", "complete": false}, "options": {}})");
  ASSERT_EQ(execute_report({{dir_}, {}}), 0);
  EXPECT_TRUE(plot_names(dir_).empty());
  EXPECT_NE(slurp(dir_ / "report.html").find("timeseries.csv is missing"), std::string::npos);
}

// A nightly history: trend.html plots p95 per query over the runs, oldest first, and marks the
// run that did not pass; a run with trials contributes the median across its trials.
TEST_F(ReportRender, SeveralRunsGiveATrendWithVerdictsMarked) {
  const auto run = [&](const std::string& name, const std::string& started, double p95,
                       const std::string& verdict, const std::string& trials = "") {
    fs::create_directories(dir_ / "history" / name);
    std::ofstream(dir_ / "history" / name / "summary.json")
        << R"({"run": {"id": ")" << name << R"(", "started_at": ")" << started
        << R"("}, "verdict": ")" << verdict << R"(", "options": {"A": {"queries": {"q1": )"
        << R"({"all": {"p95_ms": )" << p95 << "}" << trials << "}}}}}";
  };
  run("r2", "2026-12-02T03:17:00Z", 2.5, "fail");
  run("r1", "2026-12-01T03:17:00Z", 2.0, "pass");
  run("r3", "2026-12-03T03:17:00Z", 9.0, "pass", R"(, "trials": {"p95_ms": {"median": 2.25}})");
  ASSERT_EQ(execute_report({{dir_ / "history"}, {}}), 0);
  const std::string data = slurp(dir_ / "history" / "plots" / "trend_A.dat");
  EXPECT_NE(data.find("1 2\n2 2.5\n3 2.25\n"), std::string::npos) << data;
  const std::string gp = slurp(dir_ / "history" / "plots" / "p95_trend.gp");
  EXPECT_NE(gp.find("'12-02 03:17' 2"), std::string::npos) << gp;
  EXPECT_NE(gp.find("set label 'fail' at first 2,"), std::string::npos) << gp;
  EXPECT_EQ(gp.find("at first 1,"), std::string::npos) << gp;  // a passing run is not marked
  const std::string html = slurp(dir_ / "history" / "trend.html");
  EXPECT_NE(html.find("3 runs"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("class=\"fail\">fail"), std::string::npos);
}

TEST_F(ReportRender, NotARunFolderIsBadInput) {
  EXPECT_THROW(execute_report({{dir_ / "nope"}, {}}), InputError);
  EXPECT_THROW(execute_report({{dir_}, {}}), InputError);  // no summary.json
  write("summary.json", "{ not json");
  EXPECT_THROW(execute_report({{dir_}, {}}), InputError);
}

TEST_F(ReportRender, MissingGnuplotIsAnInfrastructureErrorSayingWhatToInstall) {
  write("x.gp", "print 1\n");
  try {
    run_gnuplot(dir_, "x.gp", "loadgate-no-such-gnuplot");
    FAIL() << "expected InfraError";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("gnuplot-nox"), std::string::npos) << e.what();
  }
}

TEST_F(ReportRender, GnuplotFailureQuotesItsError) {
  write("bad.gp", "plot 'no-such-file.dat'\n");
  try {
    run_gnuplot(dir_, "bad.gp");
    FAIL() << "expected InfraError";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-file.dat"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lg::report
