// What the report's plots are drawn from (timeseries.csv rows, read by the run-folder reader,
// tested in run_folder_read_test.cpp): an interval's reads combined, stage starts, refresh spans
// and HdrHistogram's percentile levels.

#include <gtest/gtest.h>

#include "harness/report/timeline.hpp"

namespace lg::report {
namespace {

IntervalRow row(const std::string& option, double t0, double t1, const std::string& metric,
                const std::string& kind, std::int64_t count, double p50, double p99,
                double max = 0) {
  IntervalRow r;
  r.option = option;
  r.stage = "s";
  r.t_start_s = t0;
  r.t_end_s = t1;
  r.metric = metric;
  r.kind = kind;
  r.count = count;
  r.p50_ms = p50;
  r.p95_ms = p50;
  r.p99_ms = p99;
  r.max_ms = max;
  return r;
}

TEST(ReportTimeline, CombinesAnIntervalsReadsCountWeighted) {
  const std::vector<IntervalRow> rows = {
      row("A", 0, 1, "sql_duration", "read", 30, 1.0, 10.0, 12),
      row("A", 0, 1, "sql_duration", "read", 10, 5.0, 2.0, 3),
      row("A", 0, 1, "sql_duration", "write", 1000, 100, 100, 100),  // writer: not a read
      row("A", 0, 1, "sql_service_time", "read", 1000, 100, 100, 100),
      row("B", 0, 1, "sql_duration", "read", 7, 100, 100, 100),  // another option
      row("A", 1, 2, "sql_duration", "read", 4, 2.0, 2.0, 2),
  };
  const auto points = interval_points(rows, "A", read_series(false));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].reads, 40);
  EXPECT_DOUBLE_EQ(points[0].p50_ms, (30 * 1.0 + 10 * 5.0) / 40);
  EXPECT_DOUBLE_EQ(points[0].p99_ms, (30 * 10.0 + 10 * 2.0) / 40);
  EXPECT_DOUBLE_EQ(points[0].max_ms, 12);  // max is exact: the max of the maxes
  EXPECT_DOUBLE_EQ(points[0].per_second(points[0].reads), 40);
  EXPECT_DOUBLE_EQ(points[1].t_start_s, 1);
}

TEST(ReportTimeline, CountsDroppedIterationsAndUsesHttpRequestsForHttpRuns) {
  auto http = row("C", 2, 2.5, "http_req_duration", "", 50, 3, 9);
  http.errors = 5;
  const std::vector<IntervalRow> rows = {http, row("C", 2, 2.5, "dropped_iterations", "", 7, 0, 0),
                                         row("C", 2.5, 3, "dropped_iterations", "", 3, 0, 0)};
  const auto points = interval_points(rows, "C", read_series(true));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].reads, 50);
  EXPECT_EQ(points[0].errors, 5);
  EXPECT_EQ(points[0].dropped, 7);
  EXPECT_DOUBLE_EQ(points[0].per_second(points[0].errors), 10);  // 5 in half a second
  EXPECT_EQ(points[1].reads, 0);  // only drops: still an interval, with throughput 0
  EXPECT_EQ(points[1].dropped, 3);
  // An SQL run's reads are sql_duration: HTTP rows do not count as its reads.
  EXPECT_EQ(interval_points(rows, "C", read_series(false))[0].reads, 0);
}

TEST(ReportTimeline, StageMarksAreEachStagesFirstIntervalInTimeOrder) {
  auto a = row("A", 0, 1, "sql_duration", "read", 1, 1, 1);
  a.stage = "ramp";
  auto b = row("A", 5, 6, "sql_duration", "read", 1, 1, 1);
  b.stage = "steady";
  auto c = row("A", 4, 5, "sql_duration", "read", 1, 1, 1);
  c.stage = "ramp";
  auto other = row("B", 2, 3, "sql_duration", "read", 1, 1, 1);
  other.stage = "x";
  const auto marks = stage_marks({b, a, c, other}, "A");
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0].tag, "ramp");
  EXPECT_DOUBLE_EQ(marks[0].t_s, 0);
  EXPECT_EQ(marks[1].tag, "steady");
  EXPECT_DOUBLE_EQ(marks[1].t_s, 5);
}

TEST(ReportTimeline, RefreshSpansFromTheSummary) {
  const auto j = nlohmann::json::parse(R"({"refreshes": [
      {"start_s": 10.0, "duration_ms": 2500, "ok": true, "error": ""},
      {"start_s": 0.5, "duration_ms": 300, "ok": false, "error": "boom"}]})");
  const auto spans = refresh_spans(j);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_DOUBLE_EQ(spans[0].from_s, 0.5);
  EXPECT_DOUBLE_EQ(spans[0].to_s, 0.8);
  EXPECT_FALSE(spans[0].ok);
  EXPECT_DOUBLE_EQ(spans[1].to_s, 12.5);
  EXPECT_TRUE(refresh_spans(nlohmann::json::object()).empty());
}

TEST(ReportSpectrum, FollowsHdrHistogramsReportingLevels) {
  metrics::Histogram h;
  for (int v = 1; v <= 10000; ++v) h.record(v * 10);  // 10 µs .. 100 ms, uniform
  const auto points = percentile_spectrum(h, 5);
  ASSERT_GT(points.size(), 20u);
  // 0, 10, 20, 30, 40, then 50, 55, 60, 65, 70, then 75, 77.5 ...
  EXPECT_DOUBLE_EQ(points[0].percentile, 0);
  EXPECT_DOUBLE_EQ(points[4].percentile, 40);
  EXPECT_DOUBLE_EQ(points[5].percentile, 50);
  EXPECT_DOUBLE_EQ(points[6].percentile, 55);
  EXPECT_DOUBLE_EQ(points[10].percentile, 75);
  EXPECT_DOUBLE_EQ(points[11].percentile, 77.5);
  EXPECT_DOUBLE_EQ(points[5].x, 2);   // 50% sits at 1/(1-0.5)
  EXPECT_DOUBLE_EQ(points[10].x, 4);  // 75%
  EXPECT_NEAR(points[5].ms, 50.0, 0.05);
  for (std::size_t i = 1; i < points.size(); ++i) {
    EXPECT_GE(points[i].x, points[i - 1].x);
    EXPECT_GE(points[i].ms, points[i - 1].ms);
  }
  // The levels stop at the sample count; the last point is the max.
  EXPECT_DOUBLE_EQ(points.back().percentile, 100);
  EXPECT_DOUBLE_EQ(points.back().x, 10000);
  EXPECT_NEAR(points.back().ms, 100.0, 0.1);
  EXPECT_LE(points[points.size() - 2].x, 10000);
}

TEST(ReportSpectrum, EmptyAndSingleSampleHistograms) {
  metrics::Histogram h;
  EXPECT_TRUE(percentile_spectrum(h).empty());
  h.record(2000);
  const auto points = percentile_spectrum(h);
  ASSERT_EQ(points.size(), 2u);  // p0 and the max, both at x = 1
  EXPECT_NEAR(points[1].ms, 2.0, 0.01);
}

}  // namespace
}  // namespace lg::report
