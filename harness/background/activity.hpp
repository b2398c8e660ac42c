#pragma once
// A background activity (refresher, writer): one thread, one connection, woken on a schedule,
// stoppable at once from the conductor thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "harness/core/clock.hpp"

namespace lg::background {

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

 private:
  void loop(Nanos t0, Nanos period);

  std::function<bool(std::int64_t)> tick_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace lg::background
