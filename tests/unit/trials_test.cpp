// Figures across trials: the median's order-statistic interval has the coverage the binomial
// gives, and per-trial figures come from each trial's own histograms.

#include "harness/results/trials.hpp"

#include <gtest/gtest.h>

namespace lg::results {
namespace {

TEST(MedianInterval, FiveTrialsGiveMinToMaxAt93_75Percent) {
  const auto m = median_interval({5, 1, 4, 2, 3});
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->median, 3);
  EXPECT_DOUBLE_EQ(m->lower, 1);
  EXPECT_DOUBLE_EQ(m->upper, 5);
  EXPECT_DOUBLE_EQ(m->level, 1.0 - 2.0 / 32.0);
  EXPECT_EQ(m->n, 5u);
}

TEST(MedianInterval, TwentyTrialsNarrowToTheSixthAndFifteenth) {
  // n = 20: [x(6), x(15)] covers 1 - 2·P(Bin(20, ½) <= 5) = 0.9586; [x(7), x(14)] only 0.8847.
  std::vector<double> v;
  for (int i = 20; i >= 1; --i) v.push_back(i);
  const auto m = median_interval(v);
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->median, 10.5);
  EXPECT_DOUBLE_EQ(m->lower, 6);
  EXPECT_DOUBLE_EQ(m->upper, 15);
  EXPECT_NEAR(m->level, 0.9586, 1e-4);
  EXPECT_GE(m->level, 0.95);
}

TEST(MedianInterval, EvenCountAndSingleValue) {
  EXPECT_DOUBLE_EQ(median_interval({4, 1, 3, 2})->median, 2.5);
  const auto one = median_interval({7});
  EXPECT_DOUBLE_EQ(one->median, 7);
  EXPECT_DOUBLE_EQ(one->level, 0);
  EXPECT_FALSE(median_interval({}));
}

metrics::SeriesStats trial_series(const char* trial, std::initializer_list<std::int64_t> us,
                                  double seconds) {
  metrics::SeriesStats s;
  s.metric = "sql_duration";
  s.tags = make_tags({{"option", "A"}, {"query", "q"}, {"stage", "s"}, {"trial", trial}});
  s.hist = metrics::Histogram();
  for (auto v : us) s.hist->record(v);
  s.count = static_cast<std::int64_t>(us.size());
  s.seconds = seconds;
  return s;
}

TEST(PerTrial, FiguresOfEachTrialInNumericOrder) {
  std::vector<metrics::SeriesStats> all;
  for (int t = 10; t >= 1; --t) {
    const auto v = static_cast<std::int64_t>(t) * 1000;
    all.push_back(trial_series(std::to_string(t).c_str(), {v, v}, 2.0));
  }
  const auto trials = per_trial(all, "sql_duration", make_tags({{"option", "A"}}));
  ASSERT_EQ(trials.size(), 10u);
  EXPECT_EQ(trials.front().trial, "1");
  EXPECT_EQ(trials.back().trial, "10");
  EXPECT_NEAR(trials[2].stats.p50_ms, 3.0, 0.01);
  EXPECT_DOUBLE_EQ(trials[2].stats.throughput, 1.0);  // 2 samples in that trial's 2 s
  const auto j = trials_json(trials);
  EXPECT_EQ(j["n"], 10);
  EXPECT_NEAR(j["p50_ms"]["median"].get<double>(), 5.5, 0.01);
  EXPECT_EQ(j["p50_ms"]["values"].size(), 10u);
  EXPECT_TRUE(
      per_trial({trial_series("1", {1}, 1)}, "sql_duration", make_tags({{"option", "B"}})).empty());
}

}  // namespace
}  // namespace lg::results
