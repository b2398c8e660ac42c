#pragma once
// Background work beside the VUs of one option's measured part — the refresher, the staleness
// probe, the write mix, the timed steps, the system under test — behind one lifecycle: started
// at the measured start, asked every interval whether it still works, stopped once, then read.
// run/ assembles a list of them; it wires none by hand. PeriodicThread is the thread most of
// them run on.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "harness/core/clock.hpp"

namespace lg::background {

/// How an activity is asked to stop.
struct StopMode {
  bool planned = false;  ///< the stages ended as planned: grace periods (graceful_stop) apply
  bool at_once = false;  ///< an immediate stop (a second signal): work in flight is cancelled
};

/// An activity's account of itself: alive, or dead and why. A dead activity stopped doing its
/// work before it was asked to (its thread ended on an error, its process exited).
struct Health {
  bool alive = true;
  std::string problem;  ///< why it is dead; "" while alive
};

/// An activity found dead during a measured part.
struct ActivityDeath {
  std::string name;     ///< Activity::name()
  std::string problem;  ///< Health::problem
  double at_s = 0;      ///< when it was found dead, s since the measured start
};

/// One background activity (see the top of this file). start() and stop() are called once each,
/// health() every interval in between, all from the conductor's thread.
class Activity {
 public:
  virtual ~Activity() = default;
  /// Short name for results and messages: "refresher", "write mix", "catalog-api", ...
  virtual std::string name() const = 0;
  /// Starts its work at the measured start t0 (mono ns).
  virtual void start(Nanos t0) = 0;
  /// Stops its work and joins its threads; its results are final afterwards. Idempotent.
  virtual void stop(StopMode mode) = 0;
  /// Whether it still works. Cheap: called every interval.
  virtual Health health() = 0;
  /// True when the run cannot go on without it (the system under test): its death stops the
  /// run, incomplete. Any other death is measured on and fails the verdict.
  virtual bool essential() const { return false; }
};

/// Runs `tick(k)` at t0 + k * period for k = 0, 1, ... until stopped. A tick that overruns
/// its slot makes the missed slots collapse into one (the next tick starts right away), as a
/// cron-style scheduler would. `tick` returns false to end the loop early.
class PeriodicThread {
 public:
  PeriodicThread() = default;
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;
  ~PeriodicThread() { stop(); }

  /// Starts the thread; t0 is a mono_now() timestamp, period > 0 ns.
  void start(Nanos t0, Nanos period, std::function<bool(std::int64_t)> tick);
  /// Asks the loop to end after the tick in progress and joins it. Idempotent.
  void stop();
  /// "" while the loop runs or after it ended as asked; the error when a tick threw (the loop
  /// ends there: the activity is dead, and says why instead of taking the process down).
  std::string died() const;

 private:
  void loop(Nanos t0, Nanos period);
  void run(Nanos t0, Nanos period);

  std::function<bool(std::int64_t)> tick_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::string died_;  // guarded by mu_
};

}  // namespace lg::background
