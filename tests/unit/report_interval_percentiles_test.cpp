// The latency-over-time plot's percentiles: an interval's read histograms from latency.hlog
// merged before the percentile is taken, matched to timeseries.csv's intervals, and the log's
// series tags read back.

#include <gtest/gtest.h>

#include <sstream>

#include "harness/metrics/hlog.hpp"
#include "harness/report/interval_percentiles.hpp"
#include "harness/report/timeline.hpp"
#include "harness/results/hlog_tag.hpp"

namespace lg::report {
namespace {

using metrics::Histogram;

Histogram hist_of(std::int64_t value_us, std::int64_t n) {
  Histogram h;
  h.record(value_us, n);
  return h;
}

std::string tag(const std::string& metric, Tags tags) {
  return results::hlog_tag(metric, make_tags(std::move(tags)));
}

TEST(HlogTag, ParsesWhatTheWriterWrites) {
  const Tags tags = make_tags({{"option", "C"}, {"query", "sku lookup"}, {"kind", "read"}});
  const auto parsed = results::parse_hlog_tag(results::hlog_tag("sql_duration", tags));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->metric, "sql_duration");
  EXPECT_EQ(tag_value(parsed->tags, "option"), "C");
  EXPECT_EQ(tag_value(parsed->tags, "kind"), "read");
  EXPECT_EQ(tag_value(parsed->tags, "query"), "sku_lookup");  // the log has no spaces
  const auto bare = results::parse_hlog_tag("mv_refresh_duration{}");
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->tags.empty());
  for (const char* bad : {"", "sql_duration", "{option:A}", "sql_duration{option}",
                          "sql_duration{:A}", "sql_duration{option:A"}) {
    EXPECT_FALSE(results::parse_hlog_tag(bad)) << bad;
  }
}

// 98 fast lookups at 400 µs and 2 searches at 150 ms in one interval: the mixture's p50 is a
// lookup's, whatever the weighted mean of the two p50s says (about 3.4 ms).
TEST(IntervalPercentiles, MergesAnIntervalsReadHistogramsBeforeThePercentile) {
  std::stringstream log;
  metrics::HlogWriter w(log, 1'700'000'000.0, "test");
  const Tags read_a = {{"option", "A"}, {"kind", "read"}, {"stage", "steady"}};
  auto with = [](Tags t, const char* k, const char* v) {
    t.emplace_back(k, v);
    return t;
  };
  w.write_interval(tag("sql_duration", with(read_a, "query", "sku_lookup")), 10.0, 1.0,
                   hist_of(400, 98));
  w.write_interval(tag("sql_duration", with(read_a, "query", "full_text_search")), 10.0, 1.0,
                   hist_of(150'000, 2));
  // Not reads of option A: the write mix, service time, another option, a refresh.
  w.write_interval(tag("sql_duration", {{"option", "A"}, {"kind", "write"}, {"query", "w"}}), 10.0,
                   1.0, hist_of(900'000, 500));
  w.write_interval(tag("sql_service_time", with(read_a, "query", "sku_lookup")), 10.0, 1.0,
                   hist_of(900'000, 500));
  w.write_interval(tag("sql_duration", {{"option", "C"}, {"kind", "read"}, {"query", "q"}}), 10.0,
                   1.0, hist_of(7'000, 3));
  w.write_interval(tag("mv_refresh_duration", {{"option", "C"}}), 10.0, 1.0,
                   hist_of(40'000'000, 1));
  w.write_interval(tag("sql_duration", with(read_a, "query", "sku_lookup")), 11.0, 0.5,
                   hist_of(2'000, 4));

  const auto by_option = read_interval_percentiles(log, read_series(false));
  ASSERT_EQ(by_option.size(), 2u);
  const auto& a = by_option.at("A");
  ASSERT_EQ(a.size(), 2u);
  Histogram merged = hist_of(400, 98);
  merged.add(hist_of(150'000, 2));
  EXPECT_EQ(a[0].count, 100);
  EXPECT_DOUBLE_EQ(a[0].start_s, 10.0);
  EXPECT_DOUBLE_EQ(a[0].p50_ms, merged.value_at_percentile(50) / 1000.0);
  EXPECT_LT(a[0].p50_ms, 0.5);
  EXPECT_DOUBLE_EQ(a[0].p99_ms, merged.value_at_percentile(99) / 1000.0);
  EXPECT_GT(a[0].p99_ms, 100);
  EXPECT_EQ(a[1].count, 4);
  EXPECT_DOUBLE_EQ(a[1].length_s, 0.5);
  EXPECT_EQ(by_option.at("C").at(0).count, 3);
}

TEST(IntervalPercentiles, HttpRunsMergeEveryRequestWhateverItsKind) {
  std::stringstream log;
  metrics::HlogWriter w(log, 0, "test");
  w.write_interval(tag("http_req_duration", {{"option", "C"}, {"request", "list"}}), 0, 1,
                   hist_of(1'000, 5));
  w.write_interval(tag("http_req_duration", {{"option", "C"}, {"request", "put"}}), 0, 1,
                   hist_of(3'000, 5));
  w.write_interval(tag("sql_duration", {{"option", "C"}, {"kind", "read"}}), 0, 1,
                   hist_of(3'000, 50));
  const auto c = read_interval_percentiles(log, read_series(true)).at("C");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].count, 10);
}

TEST(IntervalPercentiles, AnIntervalWhoseLinesComeApartIsLeftOut) {
  std::stringstream log;
  metrics::HlogWriter w(log, 0, "test");
  const Tags read = {{"option", "A"}, {"kind", "read"}, {"query", "q"}};
  w.write_interval(tag("sql_duration", read), 0, 1, hist_of(1'000, 1));
  for (int i = 1; i <= 20; ++i) w.write_interval(tag("sql_duration", read), i, 1, hist_of(5, 1));
  w.write_interval(tag("sql_duration", read), 0, 1, hist_of(1'000, 1));  // interval 0 again
  const auto a = read_interval_percentiles(log, read_series(false)).at("A");
  ASSERT_EQ(a.size(), 20u);
  EXPECT_DOUBLE_EQ(a.front().start_s, 1);
}

IntervalRow read_row(double t0, double t1, std::int64_t count, double p50, double max) {
  IntervalRow r;
  r.option = "A";
  r.metric = "sql_duration";
  r.kind = "read";
  r.t_start_s = t0;
  r.t_end_s = t1;
  r.count = count;
  r.p50_ms = r.p95_ms = r.p99_ms = p50;
  r.max_ms = max;
  return r;
}

IntervalPercentiles exact(double start, std::int64_t count, double p50, double p99) {
  return {start, 1, count, p50, p50, p99};
}

// The log counts time from the run start, the rows from the option's start (100.002 s later;
// both print to the ms, so a start may be 1 ms off); a stage boundary cuts a 2 ms interval.
TEST(IntervalPoints, TakesTheLogsExactPercentilesWhereStartAndCountAgree) {
  const std::vector<IntervalRow> rows = {
      read_row(0.0, 1.0, 100, 1.0, 200), read_row(0.0, 1.0, 50, 9.0, 200),
      read_row(1.0, 1.998, 10, 2.0, 3),  read_row(1.998, 2.0, 1, 5.0, 5),
      read_row(2.0, 3.0, 8, 4.0, 4),
  };
  const std::vector<IntervalPercentiles> log = {
      exact(100.002, 150, 0.4, 250),  // p99 past the rows' exact max: capped
      exact(101.002, 10, 0.3, 0.9), exact(101.999, 1, 5.0, 5.0),  // 1 ms off by rounding
      exact(102.002, 7, 0.1, 0.1),  // one sample out of the histogram's range: no match
  };
  const auto points = interval_points(rows, "A", read_series(false), log);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_TRUE(points[0].exact_percentiles);
  EXPECT_DOUBLE_EQ(points[0].p50_ms, 0.4);
  EXPECT_DOUBLE_EQ(points[0].p99_ms, 200);
  EXPECT_TRUE(points[1].exact_percentiles);
  EXPECT_DOUBLE_EQ(points[1].p50_ms, 0.3);
  EXPECT_TRUE(points[2].exact_percentiles);  // the 2 ms piece finds its own interval
  EXPECT_DOUBLE_EQ(points[2].p50_ms, 5.0);
  EXPECT_FALSE(points[3].exact_percentiles);
  EXPECT_DOUBLE_EQ(points[3].p50_ms, 4.0);  // the rows' weighted mean
  // Without a log every point falls back.
  for (const auto& p : interval_points(rows, "A", read_series(false))) {
    EXPECT_FALSE(p.exact_percentiles);
  }
  EXPECT_DOUBLE_EQ(interval_points(rows, "A", read_series(false))[0].p50_ms,
                   (100 * 1.0 + 50 * 9.0) / 150);
}

}  // namespace
}  // namespace lg::report
