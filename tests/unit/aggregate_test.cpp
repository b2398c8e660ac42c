// RunAggregate: intervals fold into per-stage series with option/stage tags and a derived
// failure rate, which is what thresholds and summaries read.

#include "harness/results/aggregate.hpp"

#include <gtest/gtest.h>

#include "harness/gate/threshold.hpp"
#include "harness/results/stats.hpp"

namespace lg::results {
namespace {

constexpr Nanos kS = kNanosPerSecond;

metrics::SlotData samples(std::initializer_list<std::int64_t> us, std::int64_t errors) {
  metrics::SlotData d;
  for (auto v : us) {
    d.hist.record(v);
    ++d.count;
  }
  d.errors = errors;
  return d;
}

class AggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.stages = {{2 * kS, 4, "ramp", {}}, {2 * kS, 4, "steady", {}}};
    slots_ = {{"sql_duration", metrics::MetricKind::kTrend,
               make_tags({{"query", "q"}, {"kind", "read"}})}};
    agg_.begin_option("A", slots_, spec_);
  }
  void add(std::size_t stage, Nanos start, metrics::SlotData d) {
    std::vector<metrics::SlotData> v;
    v.push_back(std::move(d));
    agg_.add_interval({stage, start, start + kS, 4, false}, std::move(v));
  }
  scenario::ExecutorSpec spec_;
  std::vector<metrics::SlotSpec> slots_;
  RunAggregate agg_;
};

TEST_F(AggregateTest, SeriesAreSplitByStageAndTagged) {
  add(0, 0, samples({1000, 2000}, 0));
  add(0, kS, samples({3000}, 1));
  add(1, 2 * kS, samples({100'000}, 0));
  const auto series = agg_.series();
  auto ramp = merge_series(series, "sql_duration", make_tags({{"stage", "ramp"}, {"option", "A"}}));
  ASSERT_TRUE(ramp);
  EXPECT_EQ(ramp->count, 3);
  EXPECT_EQ(ramp->hits, 1);
  EXPECT_DOUBLE_EQ(ramp->seconds, 2.0);
  auto steady = merge_series(series, "sql_duration", make_tags({{"stage", "steady"}}));
  ASSERT_TRUE(steady);
  EXPECT_EQ(steady->hist->max(), 100'000);
  EXPECT_EQ(agg_.timeseries().size(), 3u);
  EXPECT_EQ(agg_.timeseries()[1].errors, 1);
}

TEST(AggregateTrials, EachTrialIsItsOwnSeriesAndWindowOnOneTimeAxis) {
  scenario::ExecutorSpec spec;
  spec.stages = {{2 * kS, 4, "steady", {}}};
  const std::vector<metrics::SlotSpec> slots = {
      {"sql_duration", metrics::MetricKind::kTrend, make_tags({{"query", "q"}, {"kind", "read"}})}};
  RunAggregate agg;
  auto add = [&](std::initializer_list<std::int64_t> us) {
    std::vector<metrics::SlotData> v;
    v.push_back(samples(us, 0));
    agg.add_interval({0, 0, 2 * kS, 4, false}, std::move(v));
  };
  agg.begin_option("A", slots, spec, 1, 0);
  add({1000, 1000});
  agg.begin_option("A", slots, spec, 2, 10 * kS);  // 10 s after trial 1 started
  add({5000, 5000, 5000, 5000});
  const auto series = agg.series();
  const auto t1 = merge_series(series, "sql_duration", make_tags({{"trial", "1"}}));
  const auto t2 = merge_series(series, "sql_duration", make_tags({{"trial", "2"}}));
  ASSERT_TRUE(t1 && t2);
  EXPECT_EQ(t1->count, 2);
  EXPECT_EQ(t2->count, 4);
  EXPECT_EQ(t2->hist->min(), 5000);
  // Each trial ran its 2 s: over both, 6 samples in 4 s, not in the one stage's 2 s.
  const auto all = merge_series(series, "sql_duration", make_tags({{"option", "A"}}));
  ASSERT_TRUE(all);
  EXPECT_DOUBLE_EQ(all->seconds, 4.0);
  EXPECT_DOUBLE_EQ(latency_stats(*all).throughput, 1.5);
  ASSERT_EQ(agg.timeseries().size(), 2u);
  EXPECT_EQ(agg.timeseries()[1].trial, 2);
  EXPECT_DOUBLE_EQ(agg.timeseries()[1].t_start_s, 10.0);
  EXPECT_DOUBLE_EQ(agg.timeseries()[1].t_end_s, 12.0);
}

TEST_F(AggregateTest, OneTrialCarriesNoTrialTag) {
  add(0, 0, samples({1000}, 0));
  for (const auto& s : agg_.series()) EXPECT_EQ(tag_value(s.tags, "trial"), "") << s.metric;
  EXPECT_EQ(agg_.timeseries()[0].trial, 1);
}

TEST_F(AggregateTest, ThresholdsSeeOptionStageAndFailureRate) {
  add(0, 0, samples({1000, 1000, 1000, 1000}, 1));
  add(1, 2 * kS, samples({50'000}, 0));
  const auto series = agg_.series();
  SourceLoc at{"t.toml", 1, 1};
  auto results = gate::evaluate({gate::parse_threshold("sql_failed", "rate<0.1", at),
                                 gate::parse_threshold("sql_duration{stage:ramp}", "max<2", at),
                                 gate::parse_threshold("sql_duration{option:A}", "max<2", at)},
                                series);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].passed);  // 1 failure of 5 samples = 0.2
  EXPECT_NEAR(*results[0].observed, 0.2, 1e-9);
  EXPECT_TRUE(results[1].passed);   // ramp stage alone: 1 ms
  EXPECT_FALSE(results[2].passed);  // all stages: the 50 ms sample counts
}

TEST(FailedMetric, DerivedFromTrendName) {
  EXPECT_EQ(failed_metric_for("sql_duration"), "sql_failed");
  EXPECT_EQ(failed_metric_for("mv_refresh_duration"), "mv_refresh_failed");
  EXPECT_EQ(failed_metric_for("http_req_duration"), "http_req_failed");
}

}  // namespace
}  // namespace lg::results
