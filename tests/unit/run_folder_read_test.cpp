// The one run-folder reader (report, compare and merge): timeseries.csv read by column name,
// old and new layouts alike, with the writer's own output read back; which files a caller
// requires; and every malformed input an InputError naming the file and the line or field.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "harness/core/errors.hpp"
#include "harness/results/report.hpp"
#include "harness/results/run_folder.hpp"
#include "harness/results/series_file.hpp"

namespace lg::results {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader =
    "option,stage,t_start_s,t_end_s,metric,query,request,read_source,kind,during_refresh,count,"
    "errors,throughput_per_s,p50_ms,p95_ms,p99_ms,max_ms,vus,refresh_in_flight";

constexpr const char* kClassColumns =
    ",errors_connection,errors_conflict,errors_canceled,errors_server,errors_timeout,"
    "errors_check";

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

TEST(TimeseriesCsv, ReadsEveryColumnByName) {
  const auto rows =
      parse_timeseries_csv(std::string(kHeader) + kClassColumns +
                               ",trial\nC,steady,1.000,2.000,sql_duration,sku_lookup,,,"
                               "read,true,10,3,10.00,0.5,2.5,4.0,9.0,8,1,1,0,0,2,0,0,4\n",
                           "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  const auto& r = rows[0];
  EXPECT_EQ(r.option, "C");
  EXPECT_EQ(r.stage, "steady");
  EXPECT_DOUBLE_EQ(r.t_start_s, 1.0);
  EXPECT_DOUBLE_EQ(r.t_end_s, 2.0);
  EXPECT_EQ(r.metric, "sql_duration");
  EXPECT_EQ(r.query, "sku_lookup");
  EXPECT_EQ(r.kind, "read");
  EXPECT_EQ(r.during_refresh, "true");
  EXPECT_EQ(r.count, 10);
  EXPECT_EQ(r.errors, 3);
  EXPECT_DOUBLE_EQ(r.throughput_per_s, 10.0);
  EXPECT_DOUBLE_EQ(r.p50_ms, 0.5);
  EXPECT_DOUBLE_EQ(r.p95_ms, 2.5);
  EXPECT_DOUBLE_EQ(r.p99_ms, 4.0);
  EXPECT_DOUBLE_EQ(r.max_ms, 9.0);
  EXPECT_EQ(r.vus, 8);
  EXPECT_TRUE(r.refresh_in_flight);
  EXPECT_EQ(r.by_class[error_index(ErrorClass::kConnect)], 1);
  EXPECT_EQ(r.by_class[error_index(ErrorClass::kServer)], 2);
  EXPECT_EQ(r.by_class[error_index(ErrorClass::kCheck)], 0);
  EXPECT_EQ(r.trial, 4);
}

TEST(TimeseriesCsv, ReadsFilesWithoutTheNewerColumns) {
  // Runs written before request/read_source and the error classes existed must still read.
  const auto rows = parse_timeseries_csv(
      "option,stage,t_start_s,t_end_s,metric,query,kind,during_refresh,count,errors,"
      "throughput_per_s,p50_ms,p95_ms,p99_ms,max_ms,vus,refresh_in_flight\r\n"
      "A,0,0.000,1.000,sql_duration,q,read,false,5,0,5.00,1,2,3,4,2,0\r\n",
      "old.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].query, "q");
  EXPECT_EQ(rows[0].request, "");
  EXPECT_DOUBLE_EQ(rows[0].p99_ms, 3);
  EXPECT_EQ(rows[0].by_class, ErrorCounts{});
  EXPECT_EQ(rows[0].trial, 1);  // before trials, every run was one
}

TEST(TimeseriesCsv, SkipsUnknownColumnsAndEmptyLines) {
  const auto rows = parse_timeseries_csv(
      "newer,option,stage,t_start_s,t_end_s,metric,query,kind,count,p50_ms,p95_ms,p99_ms\n\n"
      "x,B,s,0,1,http_req_duration,,,7,1,2,3\n\n",
      "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].option, "B");
  EXPECT_EQ(rows[0].count, 7);
  EXPECT_TRUE(parse_timeseries_csv("", "empty.csv").empty());
}

TEST(TimeseriesCsv, MissingColumnsAreNamedAllAtOnceOnLineOne) {
  const std::string what =
      what_of([] { parse_timeseries_csv("option,metric\nA,sql_duration\n", "runs/x/t.csv"); });
  EXPECT_NE(what.find("runs/x/t.csv:1"), std::string::npos) << what;
  for (const char* column : {"stage", "t_start_s", "t_end_s", "query", "kind", "count", "p99_ms"}) {
    EXPECT_NE(what.find(std::string("\"") + column + "\""), std::string::npos) << what;
  }
  EXPECT_EQ(what.find("\"option\""), std::string::npos) << what;
}

TEST(TimeseriesCsv, BadNumbersAndRowsOfTheWrongWidthNameTheLineAndColumn) {
  const std::string header = std::string(kHeader) + "\n";
  std::string what = what_of([&] {
    parse_timeseries_csv(header + "A,0,zero,1.000,sql_duration,q,,,read,false,5,0,5,1,2,3,4,2,0\n",
                         "t.csv");
  });
  EXPECT_NE(what.find("t.csv:2"), std::string::npos) << what;
  EXPECT_NE(what.find("t_start_s"), std::string::npos) << what;
  what = what_of([&] {
    parse_timeseries_csv(header + "A,0,0,1,sql_duration,q,,,read,false,5,0,5,1,2,3,4,2,0\n" +
                             "A,0,1,2,sql_duration,q,,,read,false,x,0,0,0,0,0,0,2,0\n",
                         "t.csv");
  });
  EXPECT_NE(what.find("t.csv:3"), std::string::npos) << what;
  EXPECT_NE(what.find("count"), std::string::npos) << what;
  what = what_of(
      [&] { parse_timeseries_csv(header + "A,0,0,1,sql_duration,q,,,read,false,5\n", "t.csv"); });
  EXPECT_NE(what.find("t.csv:2"), std::string::npos) << what;
  EXPECT_NE(what.find("expected 19 fields, found 11"), std::string::npos) << what;
  what = what_of([&] {
    parse_timeseries_csv(header + "A,0,0,1,sql_duration,q,,,read,false,,0,5,1,2,3,4,2,0\n",
                         "t.csv");
  });
  EXPECT_NE(what.find("column count"), std::string::npos) << what;
}

class RunFolderRead : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lg-run-folder-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
};

TEST_F(RunFolderRead, ReadsWhatTheWritersWrote) {
  RunReport report;
  TimeseriesRow row;
  row.option = "A";
  row.stage = "steady";
  row.t_start_s = 2;
  row.t_end_s = 3;
  row.metric = "http_req_duration";
  row.tags = make_tags({{"request", "search"}, {"read_source", "view"}});
  row.count = 40;
  row.errors = 3;
  row.by_class[error_index(ErrorClass::kTimeout)] = 2;
  row.by_class[error_index(ErrorClass::kCheck)] = 1;
  row.p99_ms = 12.5;
  row.vus = 4;
  report.timeseries.push_back(row);
  write_timeseries_csv(report, dir_ / "timeseries.csv");
  metrics::SeriesStats s;
  s.metric = "http_req_duration";
  s.tags = make_tags({{"option", "A"}, {"request", "search"}});
  s.count = 40;
  write_series_json({s}, dir_ / "series.json");
  write("summary.json", R"({"run": {"complete": true}, "options": {"A": {}}})");
  write("latency.hlog", "#[StartTime: 0]\n");
  write("scenario.toml", "name = \"x\"\n");

  const RunFolder run = read_run_folder(dir_, {.scenario = Need::kRequired});
  EXPECT_EQ(run.dir, dir_);
  ASSERT_TRUE(run.summary);
  EXPECT_TRUE((*run.summary)["options"].contains("A"));
  ASSERT_TRUE(run.series);
  ASSERT_EQ(run.series->size(), 1u);
  EXPECT_EQ(run.series->front().count, 40);
  ASSERT_TRUE(run.timeseries);
  ASSERT_EQ(run.timeseries->size(), 1u);
  const IntervalRow& r = run.timeseries->front();
  EXPECT_EQ(r.request, "search");
  EXPECT_EQ(r.read_source, "view");
  EXPECT_EQ(r.query, "");
  EXPECT_EQ(r.count, 40);
  EXPECT_DOUBLE_EQ(r.throughput_per_s, 40.0);
  EXPECT_DOUBLE_EQ(r.p99_ms, 12.5);
  EXPECT_EQ(r.by_class[error_index(ErrorClass::kTimeout)], 2);
  EXPECT_EQ(r.by_class[error_index(ErrorClass::kCheck)], 1);
  EXPECT_EQ(run.hlog, dir_ / "latency.hlog");
  EXPECT_EQ(run.scenario_text, "name = \"x\"\n");
}

TEST_F(RunFolderRead, AbsentOptionalFilesAreEmptyAndSkippedOnesUnread) {
  write("summary.json", R"({"options": {}})");
  write("timeseries.csv", "not, a timeseries");  // skipped: never parsed
  const RunFolder run = read_run_folder(dir_, {.timeseries = Need::kSkip});
  EXPECT_TRUE(run.summary);
  EXPECT_FALSE(run.series);
  EXPECT_FALSE(run.timeseries);
  EXPECT_FALSE(run.hlog);
  EXPECT_FALSE(run.scenario_text);
}

TEST_F(RunFolderRead, RequiredFilesAndNotARunFolder) {
  std::string what = what_of([&] { read_run_folder(dir_ / "nope"); });
  EXPECT_NE(what.find("not a run folder: no such directory"), std::string::npos) << what;
  what = what_of([&] { read_run_folder(dir_, {.summary = Need::kRequired}); });
  EXPECT_NE(what.find(dir_.string() + ": not a run folder: no summary.json"), std::string::npos)
      << what;
  what = what_of([&] { read_run_folder(dir_, {.summary_or_series = true}); });
  EXPECT_NE(what.find("neither summary.json nor series.json"), std::string::npos) << what;
  what = what_of([&] { read_run_folder(dir_, {.hlog = Need::kRequired}); });
  EXPECT_NE(what.find("no latency.hlog"), std::string::npos) << what;
  write_series_json({}, dir_ / "series.json");
  EXPECT_NO_THROW(read_run_folder(dir_, {.summary_or_series = true}));
}

TEST_F(RunFolderRead, MalformedFilesNameTheFile) {
  write("summary.json", "{ not json");
  std::string what = what_of([&] { read_run_folder(dir_); });
  EXPECT_NE(what.find((dir_ / "summary.json").string() + ": summary: malformed"), std::string::npos)
      << what;
  write("summary.json", R"({"run": {}})");
  what = what_of([&] { read_run_folder(dir_); });
  EXPECT_NE(what.find("no \"options\" object"), std::string::npos) << what;
  write("summary.json", R"({"options": {}})");
  write("series.json", R"({"series": [{"metric": "x"}]})");
  what = what_of([&] { read_run_folder(dir_); });
  EXPECT_NE(what.find((dir_ / "series.json").string() + ": series:"), std::string::npos) << what;
  fs::remove(dir_ / "series.json");
  write("timeseries.csv", std::string(kHeader) + "\nA,0,0,1,m,q,,,read,false,5\n");
  what = what_of([&] { read_run_folder(dir_); });
  EXPECT_NE(what.find((dir_ / "timeseries.csv").string() + ":2: timeseries:"), std::string::npos)
      << what;
}

}  // namespace
}  // namespace lg::results
