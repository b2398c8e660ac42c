#pragma once
// What every executor does with its VUs on the engine's loops: place them, open them several at
// a time, run coroutines whose failures are kept rather than lost, wait for them to end, and
// interrupt iterations that outlived a ramp-down's grace.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/stop.hpp"
#include "harness/exec/engine.hpp"
#include "harness/exec/vu.hpp"

namespace lg::exec {

/// A VU placed on a loop, with what its executor tracks about it. Only `busy` is read from
/// other threads.
struct HostedVu {
  HostedVu(std::unique_ptr<Vu> v, int l, std::size_t i) : vu(std::move(v)), loop(l), index(i) {}
  std::unique_ptr<Vu> vu;
  int loop = 0;
  std::size_t index = 0;          ///< global VU number (parameter and mix streams)
  std::atomic<bool> busy{false};  ///< inside an iteration
  /// Closed model: an idle VU waits on this timer (set to never expire); cancelling it wakes the
  /// VU. Created on first use, on the VU's loop.
  std::unique_ptr<asio::steady_timer> wake;
};

/// The first exception of many coroutines, kept for the conductor to rethrow.
class FirstError {
 public:
  void set(std::exception_ptr e) {
    std::lock_guard lock(mu_);
    if (!first_) first_ = std::move(e);
  }
  /// Rethrows the first error, if any.
  void rethrow() {
    std::lock_guard lock(mu_);
    if (first_) std::rethrow_exception(first_);
  }
  /// The first error's message; "" if none.
  std::string message() const;

 private:
  mutable std::mutex mu_;
  std::exception_ptr first_;
};

/// Starts `co` on `loop`; when it ends, `done` is decremented (if given) and an exception it
/// threw goes to `errors`.
void spawn(asio::io_context& loop, asio::awaitable<void> co, FirstError& errors,
           std::atomic<int>* done = nullptr);

/// Sleeps in 1 ms steps until `count` is 0 or mono_now() passes `deadline`; true when it
/// reached 0. The conductor's way to wait for coroutines on the loops to end. With a `stop`,
/// also returns (false) as soon as a stop is requested on it.
bool wait_for_zero(const std::atomic<int>& count, Nanos deadline, const StopToken& stop = {});

/// What the end of a two-step stop found.
struct Drained {
  int interrupted = 0;   ///< iterations still running at the deadline, abandoned
  Nanos stopped_at = 0;  ///< mono ns when the last task had ended (before connection cleanup)
};

/// The second half of k6's gracefulStop, the same for every executor: waits until `running` is
/// 0 or `deadline` (mono ns) passes, then runs `abandon_busy(loop)` on each loop (it abandons
/// that loop's VUs still inside an iteration and returns how many), and waits up to 1 s for the
/// tasks to unwind; says so on stderr when some did not. A stop requested on `stop` (a signal,
/// an infrastructure failure) ends the wait for `deadline` at once: nobody waits out a grace
/// period the user has just declined. Not from a loop thread.
Drained drain(Engine& engine, const std::atomic<int>& running, Nanos deadline,
              const StopToken& stop, const std::function<int(int loop)>& abandon_busy);

/// At most this many connections are being opened at once per loop: a thousand VUs do not
/// arrive at the server as one burst of a thousand forks.
inline constexpr int kOpenConcurrency = 16;

/// Opens every VU of `vus` on its loop (at most kOpenConcurrency at a time per loop), and
/// blocks until all have finished. Throws the first error one raised. Not from a loop thread.
void open_all(Engine& engine, const std::vector<HostedVu*>& vus);

/// Interrupts the iterations of `vus` (Vu::interrupt: a PostgreSQL cancel request blocks for a
/// round trip each, so several run in parallel threads). Returns when all were sent or
/// `budget` ns passed.
void cancel_at_target(const std::vector<Vu*>& vus, Nanos budget);

}  // namespace lg::exec
