#pragma once
// Timed steps during a measured run: the rollout percent set at each stage's start and faults
// injected and undone. One thread runs the steps in time order; stop() skips the rest but still
// runs every pending undo step, so a fault never outlives the run.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/background/activity.hpp"
#include "harness/core/clock.hpp"

namespace lg::background {

/// One step: `action` runs at t0 + `at` and throws on failure (the message is kept).
struct TimedStep {
  Nanos at = 0;
  std::string what;  ///< e.g. "mv_rollout_percent=50", "view_unavailable begin"
  std::function<void()> action;
  bool undo = false;  ///< runs at stop() even when its time has not come
};

/// A step as it ran. at_s: seconds since the measured start.
struct StepEvent {
  std::string what;
  double at_s = 0;
  bool ok = true;
  std::string error;
};

class StepRunner : public Activity {
 public:
  explicit StepRunner(std::vector<TimedStep> steps);
  StepRunner(const StepRunner&) = delete;
  StepRunner& operator=(const StepRunner&) = delete;
  ~StepRunner() override { stop({}); }

  std::string name() const override { return "steps"; }
  /// Starts the thread; t0 is the measured start (mono ns).
  void start(Nanos t0) override;
  /// Skips the steps not yet due, runs the pending undo steps, joins. Idempotent.
  void stop(StopMode mode) override;
  /// Always alive: a step that fails is an event (ok = false), and the thread goes on.
  Health health() override { return {}; }
  /// Steps run so far, in order; complete after stop().
  std::vector<StepEvent> events() const;

 private:
  void loop();
  void run_step(const TimedStep& s);

  std::vector<TimedStep> steps_;
  std::size_t next_ = 0;
  Nanos t0_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<StepEvent> events_;
};

}  // namespace lg::background
