// ramping-vus schedule: the VU count k6 users expect at each moment of the stages.

#include <gtest/gtest.h>

#include "harness/exec/ramping_vus.hpp"
#include "harness/results/aggregate.hpp"

namespace lg::exec {
namespace {

constexpr Nanos kS = kNanosPerSecond;

scenario::ExecutorSpec spec(int start, std::vector<std::pair<int, int>> stages) {
  scenario::ExecutorSpec s;
  s.start_vus = start;
  for (auto [seconds, target] : stages) s.stages.push_back({seconds * kS, target, "", {}});
  return s;
}

TEST(RampingVusSchedule, RampsLinearlyFromStartVus) {
  const auto s = spec(0, {{10, 10}});
  EXPECT_EQ(target_vus_at(s, 0), 0);
  EXPECT_EQ(target_vus_at(s, kS - 1), 0);  // line crosses 1 at exactly 1 s
  EXPECT_EQ(target_vus_at(s, kS), 1);
  EXPECT_EQ(target_vus_at(s, 5 * kS), 5);
  EXPECT_EQ(target_vus_at(s, 10 * kS), 10);
}

TEST(RampingVusSchedule, RampDownChangesWhenTheLineCrossesAnInteger) {
  const auto s = spec(10, {{10, 0}});
  EXPECT_EQ(target_vus_at(s, 0), 10);
  EXPECT_EQ(target_vus_at(s, kS / 2), 10);  // 9.5 -> still 10 VUs until the line reaches 9
  EXPECT_EQ(target_vus_at(s, kS), 9);
  EXPECT_EQ(target_vus_at(s, 10 * kS), 0);
}

TEST(RampingVusSchedule, HoldsAndChainsStages) {
  const auto s = spec(1, {{5, 8}, {10, 16}, {10, 16}, {5, 0}});
  EXPECT_EQ(target_vus_at(s, 0), 1);
  EXPECT_EQ(target_vus_at(s, 5 * kS), 8);
  EXPECT_EQ(target_vus_at(s, 10 * kS), 12);
  EXPECT_EQ(target_vus_at(s, 20 * kS), 16);
  EXPECT_EQ(target_vus_at(s, 30 * kS), 0);
  EXPECT_EQ(stage_at(s, 0), 0u);
  EXPECT_EQ(stage_at(s, 5 * kS), 1u);
  EXPECT_EQ(stage_at(s, 29 * kS), 3u);
  EXPECT_EQ(stage_at(s, 99 * kS), 3u);
}

TEST(RampingVusSchedule, StageTagIsNameOrIndex) {
  auto s = spec(1, {{5, 8}, {5, 8}});
  s.stages[1].name = "steady";
  EXPECT_EQ(results::stage_tag(s, 0), "0");
  EXPECT_EQ(results::stage_tag(s, 1), "steady");
}

}  // namespace
}  // namespace lg::exec
