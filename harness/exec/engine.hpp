#pragma once
// The event-driven engine: a few threads, each running one Boost.Asio io_context on which many
// VUs run as coroutines (wrk2 and Hyperfoil: one event loop per thread; pgbench: -j threads
// each polling many connections). Nothing on the hot path crosses threads: a VU, its driver and
// the recorder shard it writes belong to one loop. The conductor thread only posts control
// work (start, ramp, stop) to the loops.

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace lg::exec {

namespace asio = boost::asio;

/// Event-loop threads. Threads start at construction and run until stop().
class Engine {
 public:
  /// `threads` loops; 0 means one per core (std::thread::hardware_concurrency, at least 1).
  explicit Engine(int threads);
  /// stop().
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Number of loops.
  int size() const noexcept { return static_cast<int>(loops_.size()); }
  /// Loop i's io_context (i < size()).
  asio::io_context& loop(int i) { return loops_[static_cast<std::size_t>(i)]->io; }

  /// Runs `fn` on loop i's thread (control work only: it allocates).
  template <class F>
  void post(int i, F&& fn) {
    asio::post(loop(i), std::forward<F>(fn));
  }
  /// Runs `fn(i)` on every loop's thread and waits until all have returned. Rethrows the first
  /// exception one of them threw. Must not be called from a loop thread.
  void on_each(const std::function<void(int)>& fn);

  /// Lets every loop finish the work it has (run() returns once nothing is pending) and joins
  /// its thread; a loop still busy after `grace` ns is stopped hard (its pending handlers are
  /// destroyed with the io_context). Idempotent.
  void stop(std::int64_t grace_ns = 1'000'000'000);

  /// Raises the soft RLIMIT_NOFILE to the hard limit (each VU holds a socket); returns the new
  /// soft limit.
  static long raise_fd_limit() noexcept;

 private:
  struct Loop {
    asio::io_context io{1};  // concurrency hint 1: one thread runs it, no locking needed
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  bool stopped_ = false;
};

}  // namespace lg::exec
