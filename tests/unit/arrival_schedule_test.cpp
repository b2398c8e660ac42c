// Arrival schedule: the intended start offsets k6's arrival-rate executors produce, and
// pgbench -R's Poisson process, checked against closed-form integrals of the rate.

#include "harness/exec/arrival_schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace lg::exec {
namespace {

constexpr Nanos kMs = kNanosPerMilli;
constexpr Nanos kS = kNanosPerSecond;
constexpr Nanos kMin = 60 * kS;

std::vector<Nanos> drain(ArrivalSchedule& s) {
  std::vector<Nanos> out;
  while (auto t = s.next()) out.push_back(*t);
  return out;
}

std::vector<Nanos> even(double start, std::vector<RateStage> stages, Nanos unit = kS) {
  ArrivalSchedule s(start, unit, std::move(stages), ArrivalPattern::kEven, 1);
  return drain(s);
}

std::vector<Nanos> poisson(double start, std::vector<RateStage> stages, std::uint64_t seed) {
  ArrivalSchedule s(start, kS, std::move(stages), ArrivalPattern::kPoisson, seed);
  return drain(s);
}

std::size_t count_in(const std::vector<Nanos>& v, Nanos lo, Nanos hi) {  // [lo, hi)
  std::size_t n = 0;
  for (Nanos t : v) n += (t >= lo && t < hi) ? 1 : 0;
  return n;
}

TEST(ArrivalSchedule, ConstantRateSpacingIsExact) {
  const auto v = even(50, {{2 * kS, 50}});
  ASSERT_EQ(v.size(), 100u);
  for (std::size_t k = 0; k < v.size(); ++k) EXPECT_EQ(v[k], static_cast<Nanos>(k) * 20 * kMs);
}

TEST(ArrivalSchedule, TimeUnitScalesTheRate) {
  struct Case {
    double rate;
    Nanos unit;
    Nanos duration;
    std::size_t count;
    Nanos spacing;
  };
  const Case cases[] = {
      {50, kS, 2 * kS, 100, 20 * kMs},    {3000, kMin, 2 * kS, 100, 20 * kMs},
      {120, kMin, 3 * kS, 6, 500 * kMs},  {1, kS, 3 * kS, 3, kS},
      {10, 100 * kMs, kS, 100, 10 * kMs}, {1, kMin, 3 * kMin, 3, kMin},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << c.rate << " per " << c.unit << "ns");
    const auto v = even(c.rate, {{c.duration, c.rate}}, c.unit);
    ASSERT_EQ(v.size(), c.count);
    for (std::size_t k = 0; k < v.size(); ++k) EXPECT_EQ(v[k], static_cast<Nanos>(k) * c.spacing);
  }
}

TEST(ArrivalSchedule, FractionalTotalStartsThePartialSlotWhenStartRateIsPositive) {
  // 7/s for 1.5 s = 10.5 iterations: k6's constant executor ticks at k/7 s while k/7 < 1.5 s.
  const auto v = even(7, {{1500 * kMs, 7}});
  ASSERT_EQ(v.size(), 11u);
  EXPECT_EQ(v.back(), std::llround(10 * 1e9 / 7));
}

TEST(ArrivalSchedule, RampFromZeroFollowsTheSquareRootLaw) {
  // 0 -> 100/s over 10 s: N(t) = 5 t^2, so iteration k (1-based, k6) starts at sqrt(k/5) s.
  const auto v = even(0, {{10 * kS, 100}});
  ASSERT_EQ(v.size(), 500u);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double expect_s = std::sqrt(static_cast<double>(i + 1) / 5.0);
    EXPECT_NEAR(static_cast<double>(v[i]), expect_s * 1e9, 1.0) << "k=" << i + 1;
  }
  EXPECT_GT(v.front(), 0);  // nothing fires while the rate is still 0
  EXPECT_EQ(v.back(), 10 * kS);
}

TEST(ArrivalSchedule, MatchesK6CalReferenceTimes) {
  // k6 lib/executor/ramping_arrival_rate_test.go TestRampingArrivalRateCal, startRate 0,
  // stages {5s,1} {1s,1} {5s,0}: 3162ms 4472ms 5500ms 6527ms 7837ms 11s (ms, truncated).
  const auto v = even(0, {{5 * kS, 1}, {kS, 1}, {5 * kS, 0}});
  const Nanos k6_ms[] = {3162, 4472, 5500, 6527, 7837, 11000};
  ASSERT_EQ(v.size(), std::size(k6_ms));
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i] / kMs, k6_ms[i]) << i;
}

TEST(ArrivalSchedule, RampDownToZero) {
  // 100/s -> 0 over 10 s: N(t) = 100 t - 5 t^2 = 500 in total; k (0-based) at
  // t = (100 - sqrt(10000 - 20 k)) / 10 s.
  const auto v = even(100, {{10 * kS, 0}});
  ASSERT_EQ(v.size(), 500u);
  for (std::size_t k = 0; k < v.size(); ++k) {
    const double expect_s = (100.0 - std::sqrt(10000.0 - 20.0 * static_cast<double>(k))) / 10.0;
    EXPECT_NEAR(static_cast<double>(v[k]), expect_s * 1e9, 1.0) << "k=" << k;
  }
}

TEST(ArrivalSchedule, MultiStageTotalsEqualTheIntegrals) {
  // start 10/s; 2 s -> 30 (40), hold 3 s (90), 1 s -> 0 (15), 2 s at 0 (0), 4 s -> 20 (40).
  const std::vector<RateStage> stages = {
      {2 * kS, 30}, {3 * kS, 30}, {kS, 0}, {2 * kS, 0}, {4 * kS, 20}};
  ArrivalSchedule s(10, kS, stages, ArrivalPattern::kEven, 1);
  EXPECT_DOUBLE_EQ(s.expected_arrivals(s.total_duration()), 185.0);
  EXPECT_DOUBLE_EQ(s.expected_arrivals(2 * kS), 40.0);
  EXPECT_DOUBLE_EQ(s.expected_arrivals(6 * kS), 145.0);
  EXPECT_DOUBLE_EQ(s.expected_arrivals(8 * kS), 145.0);
  EXPECT_DOUBLE_EQ(s.expected_arrivals(kS), 15.0);  // 10 -> 20 over the first second
  const auto v = drain(s);
  EXPECT_EQ(v.size(), 185u);
  // Per stage: every unit of integral is one arrival, each at the first instant N(t) reaches
  // its index. N reaches 145 exactly as the ramp-down ends, so that one fires at 6 s (k6's
  // `i <= endCount` does the same), nothing during the pause, and 39 in the last ramp.
  EXPECT_EQ(count_in(v, 0, 2 * kS), 40u);
  EXPECT_EQ(count_in(v, 2 * kS, 5 * kS), 90u);
  EXPECT_EQ(count_in(v, 5 * kS, 6 * kS), 15u);
  EXPECT_EQ(v[145], 6 * kS);
  EXPECT_EQ(count_in(v, 6 * kS + 1, 8 * kS + 1), 0u);
  EXPECT_EQ(count_in(v, 8 * kS + 1, 12 * kS), 39u);
}

TEST(ArrivalSchedule, ZeroRateStageHasNoArrivalsInside) {
  // 10/s for 1 s, jump to 0, pause 3 s, jump back to 10/s for 1 s.
  const std::vector<RateStage> stages = {{kS, 10}, {0, 0}, {3 * kS, 0}, {0, 10}, {kS, 10}};
  for (auto pattern : {ArrivalPattern::kEven, ArrivalPattern::kPoisson}) {
    ArrivalSchedule s(10, kS, stages, pattern, 7);
    const auto v = drain(s);
    EXPECT_EQ(count_in(v, kS + 1, 4 * kS), 0u);
    EXPECT_GT(count_in(v, 4 * kS, 5 * kS + 1), 0u);
  }
  EXPECT_TRUE(even(0, {{5 * kS, 0}}).empty());
}

TEST(ArrivalSchedule, ReturnsNulloptAfterTheEndAndStaysThere) {
  ArrivalSchedule s(4, kS, {{kS, 4}}, ArrivalPattern::kEven, 1);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(s.next().has_value());
  EXPECT_FALSE(s.next().has_value());  // the 5th would be due exactly at the end: not started
  EXPECT_FALSE(s.next().has_value());
}

TEST(ArrivalSchedule, OffsetsAreNonDecreasingAndWithinTheRun) {
  const std::vector<RateStage> stages = {{kS, 1000}, {0, 50}, {2 * kS, 3000},
                                         {kS, 0},    {kS, 0}, {3 * kS, 777}};
  for (auto pattern : {ArrivalPattern::kEven, ArrivalPattern::kPoisson}) {
    for (double start : {0.0, 13.0}) {
      ArrivalSchedule s(start, kS, stages, pattern, 99);
      const auto v = drain(s);
      ASSERT_FALSE(v.empty());
      EXPECT_GE(v.front(), 0);
      EXPECT_LE(v.back(), s.total_duration());
      for (std::size_t i = 1; i < v.size(); ++i) ASSERT_LE(v[i - 1], v[i]) << i;
    }
  }
}

TEST(ArrivalSchedule, StageAt) {
  ArrivalSchedule s(0, kS, {{2 * kS, 10}, {0, 20}, {3 * kS, 20}, {kS, 0}}, ArrivalPattern::kEven,
                    1);
  struct Case {
    Nanos t;
    std::size_t stage;
  };
  const Case cases[] = {{-1, 0},         {0, 0},          {2 * kS - 1, 0},
                        {2 * kS, 2},     {5 * kS - 1, 2}, {5 * kS, 3},
                        {6 * kS - 1, 3}, {6 * kS, 3},     {100 * kS, 3}};
  for (const auto& c : cases) EXPECT_EQ(s.stage_at(c.t), c.stage) << "t=" << c.t;
  EXPECT_EQ(s.total_duration(), 6 * kS);
}

TEST(ArrivalSchedule, RateAtInterpolatesLinearly) {
  ArrivalSchedule s(10, kS, {{2 * kS, 30}, {0, 50}, {kS, 0}}, ArrivalPattern::kEven, 1);
  EXPECT_DOUBLE_EQ(s.rate_at(0), 10.0);
  EXPECT_DOUBLE_EQ(s.rate_at(kS), 20.0);
  EXPECT_DOUBLE_EQ(s.rate_at(2 * kS), 50.0);  // the zero-duration stage is an instant jump
  EXPECT_DOUBLE_EQ(s.rate_at(2 * kS + kS / 2), 25.0);
  EXPECT_DOUBLE_EQ(s.rate_at(10 * kS), 0.0);
}

TEST(ArrivalSchedule, RejectsInvalidConfiguration) {
  using V = std::vector<RateStage>;
  EXPECT_THROW(ArrivalSchedule(1, 0, V{{kS, 1}}, ArrivalPattern::kEven, 1), std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule(-1, kS, V{{kS, 1}}, ArrivalPattern::kEven, 1),
               std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule(1, kS, V{}, ArrivalPattern::kEven, 1), std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule(1, kS, V{{-kS, 1}}, ArrivalPattern::kEven, 1),
               std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule(1, kS, V{{kS, NAN}}, ArrivalPattern::kEven, 1),
               std::invalid_argument);
}

TEST(ArrivalSchedule, PoissonIsDeterministicPerSeed) {
  const std::vector<RateStage> stages = {{5 * kS, 200}};
  const auto a = poisson(200, stages, 42);
  EXPECT_EQ(a, poisson(200, stages, 42));
  EXPECT_NE(a, poisson(200, stages, 43));
}

TEST(ArrivalSchedule, PoissonCountAndExponentialGaps) {
  // 1000/s for 100 s: count ~ Poisson(1e5), sigma = 316; gaps exponential, CV = 1.
  const auto v = poisson(1000, {{100 * kS, 1000}}, 2024);
  const double expected = 1e5;
  EXPECT_NEAR(static_cast<double>(v.size()), expected, 3 * std::sqrt(expected));
  double sum = 0, sum_sq = 0;
  for (std::size_t i = 1; i < v.size(); ++i) {
    const double gap = static_cast<double>(v[i] - v[i - 1]);
    sum += gap;
    sum_sq += gap * gap;
  }
  const double n = static_cast<double>(v.size() - 1);
  const double mean = sum / n;
  const double cv = std::sqrt(sum_sq / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 1e6, 1e6 * 0.01);  // 1 ms mean gap
  EXPECT_NEAR(cv, 1.0, 0.02);
  const auto e = even(1000, {{100 * kS, 1000}});
  EXPECT_EQ(e.size(), 100000u);  // the even pattern has the same mean and no variance
}

TEST(ArrivalSchedule, PoissonRampMatchesTheIntegralPerHalf) {
  // 0 -> 1000/s over 100 s: N(t) = 5 t^2, so 12500 expected in [0, 50 s) and 37500 after.
  ArrivalSchedule s(0, kS, {{100 * kS, 1000}}, ArrivalPattern::kPoisson, 5);
  const double first = s.expected_arrivals(50 * kS);
  const double second = s.expected_arrivals(100 * kS) - first;
  EXPECT_DOUBLE_EQ(first, 12500.0);
  EXPECT_DOUBLE_EQ(second, 37500.0);
  const auto v = drain(s);
  EXPECT_NEAR(static_cast<double>(count_in(v, 0, 50 * kS)), first, 3 * std::sqrt(first));
  EXPECT_NEAR(static_cast<double>(count_in(v, 50 * kS, 101 * kS)), second, 3 * std::sqrt(second));
}

TEST(ArrivalSchedule, TenMillionEvenArrivalsDoNotDrift) {
  constexpr std::int64_t kN = 10'000'000;
  ArrivalSchedule s(1e6, kS, {{10 * kS, 1e6}}, ArrivalPattern::kEven, 1);
  std::int64_t count = 0;
  Nanos last = -1;
  bool on_grid = true;
  while (auto t = s.next()) {
    on_grid = on_grid && *t == count * 1000;  // k / R, computed from k, never summed
    last = *t;
    ++count;
  }
  EXPECT_TRUE(on_grid);
  EXPECT_EQ(count, kN);
  EXPECT_NEAR(static_cast<double>(last), (kN - 1) * 1e9 / 1e6, 1.0);
}

}  // namespace
}  // namespace lg::exec
