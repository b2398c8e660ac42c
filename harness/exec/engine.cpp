#include "harness/exec/engine.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>

namespace lg::exec {

Engine::Engine(int threads) {
  const int n =
      threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  loops_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) loops_.push_back(std::make_unique<Loop>());
  for (auto& l : loops_) {
    Loop* loop = l.get();
    loop->thread = std::thread([loop] {
      loop->io.run();
      loop->done.store(true, std::memory_order_release);
    });
  }
}

Engine::~Engine() { stop(); }

void Engine::on_each(const std::function<void(int)>& fn) {
  std::vector<std::promise<void>> done(loops_.size());
  std::vector<std::future<void>> waits;
  for (auto& p : done) waits.push_back(p.get_future());
  for (int i = 0; i < size(); ++i) {
    post(i, [&fn, &done, i] {
      try {
        fn(i);
        done[static_cast<std::size_t>(i)].set_value();
      } catch (...) {
        done[static_cast<std::size_t>(i)].set_exception(std::current_exception());
      }
    });
  }
  std::exception_ptr first;
  for (auto& w : waits) {
    try {
      w.get();
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

void Engine::stop(std::int64_t grace_ns) {
  if (stopped_) return;
  stopped_ = true;
  for (auto& l : loops_) l->work.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(grace_ns);
  for (auto& l : loops_) {
    while (!l->done.load(std::memory_order_acquire) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // Work that would not finish (an operation nobody cancelled) must not hold the run: the
    // loop stops and its pending handlers die with the io_context.
    if (!l->done.load(std::memory_order_acquire)) l->io.stop();
  }
  for (auto& l : loops_) {
    if (l->thread.joinable()) l->thread.join();
  }
}

long Engine::raise_fd_limit() noexcept {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return static_cast<long>(lim.rlim_cur);
}

}  // namespace lg::exec
