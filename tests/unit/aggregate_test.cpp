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
    agg_.begin_option('A', slots_, spec_);
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
