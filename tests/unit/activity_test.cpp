// Background activities: a periodic thread whose tick throws dies on its own, says why, and
// ticks no more (instead of taking the process down with std::terminate); one stopped as asked
// is not dead. The timed steps stay alive through a step that fails.

#include "harness/background/activity.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "harness/background/steps.hpp"

namespace lg::background {
namespace {

// Waits up to 5 s for `done`.
template <class F>
bool eventually(F done) {
  const Nanos deadline = mono_now() + 5 * kNanosPerSecond;
  while (!done() && mono_now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

TEST(PeriodicThread, ATickThatThrowsEndsTheLoopAndSaysWhy) {
  PeriodicThread t;
  std::atomic<int> ticks{0};
  // The third call throws, not slot k == 2: a slow first tick (TSan's start-up) collapses the
  // slots it overran, so slot 2 may never come.
  t.start(mono_now(), kNanosPerMilli, [&](std::int64_t) -> bool {
    if (++ticks == 3) throw std::runtime_error("connection table corrupted");
    return true;
  });
  ASSERT_TRUE(eventually([&] { return !t.died().empty(); }));
  EXPECT_EQ(t.died(), "connection table corrupted");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(ticks.load(), 3) << "a dead loop ticks no more";
  t.stop();
  EXPECT_EQ(t.died(), "connection table corrupted") << "stop() does not hide the death";
}

TEST(PeriodicThread, ALoopStoppedAsAskedIsNotDead) {
  PeriodicThread t;
  std::atomic<int> ticks{0};
  t.start(mono_now(), kNanosPerMilli, [&](std::int64_t) {
    ++ticks;
    return true;
  });
  ASSERT_TRUE(eventually([&] { return ticks.load() >= 3; }));
  t.stop();
  EXPECT_EQ(t.died(), "");
}

TEST(StepRunner, AFailingStepIsAnEventAndTheRunnerStaysAlive) {
  std::atomic<bool> second_ran{false};
  StepRunner steps({{0, "view_unavailable begin", [] { throw std::runtime_error("no view"); }},
                    {kNanosPerMilli, "mv_rollout_percent=50", [&] { second_ran = true; }}});
  steps.start(mono_now());
  ASSERT_TRUE(eventually([&] { return second_ran.load(); }));
  EXPECT_TRUE(steps.health().alive);
  steps.stop({});
  const auto events = steps.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[0].ok);
  EXPECT_EQ(events[0].error, "no view");
  EXPECT_TRUE(events[1].ok);
}

}  // namespace
}  // namespace lg::background
