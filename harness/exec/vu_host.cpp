#include "harness/exec/vu_host.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <future>
#include <limits>
#include <thread>

namespace lg::exec {
namespace {

// Opens queue[next..] one after another; kOpenConcurrency of these run per loop.
asio::awaitable<void> open_worker(std::shared_ptr<std::vector<HostedVu*>> queue,
                                  std::shared_ptr<std::size_t> next) {
  while (*next < queue->size()) {
    HostedVu* h = (*queue)[(*next)++];
    co_await h->vu->open();
  }
}

}  // namespace

void spawn(asio::io_context& loop, asio::awaitable<void> co, FirstError& errors,
           std::atomic<int>* done) {
  asio::co_spawn(loop, std::move(co), [&errors, done](std::exception_ptr e) {
    if (e) errors.set(e);
    if (done) done->fetch_sub(1, std::memory_order_acq_rel);
  });
}

std::string FirstError::message() const {
  std::lock_guard lock(mu_);
  if (!first_) return "";
  try {
    std::rethrow_exception(first_);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

bool wait_for_zero(const std::atomic<int>& count, Nanos deadline, const StopToken& stop) {
  while (count.load(std::memory_order_acquire) > 0 && mono_now() < deadline &&
         !stop.stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return count.load(std::memory_order_acquire) == 0;
}

Drained drain(Engine& engine, const std::atomic<int>& running, Nanos deadline,
              const StopToken& stop, const std::function<int(int loop)>& abandon_busy) {
  wait_for_zero(running, deadline, stop);
  // graceful_stop is over: what still runs is abandoned now, whatever the target is doing.
  std::atomic<int> abandoned{0};
  engine.on_each([&](int l) { abandoned.fetch_add(abandon_busy(l)); });
  Drained out;
  out.interrupted = abandoned.load();
  const bool unwound = wait_for_zero(running, mono_now() + kNanosPerSecond);
  out.stopped_at = mono_now();
  if (!unwound) {
    std::fprintf(stderr, "loadgate: %d tasks did not stop after the hard stop\n", running.load());
  }
  return out;
}

void open_all(Engine& engine, const std::vector<HostedVu*>& vus) {
  std::vector<std::shared_ptr<std::vector<HostedVu*>>> per_loop(
      static_cast<std::size_t>(engine.size()));
  for (auto& q : per_loop) q = std::make_shared<std::vector<HostedVu*>>();
  for (HostedVu* h : vus) per_loop[static_cast<std::size_t>(h->loop)]->push_back(h);
  FirstError errors;
  std::atomic<int> pending{0};
  std::promise<void> all_done;
  auto finished = all_done.get_future();
  std::atomic<int> loops_left{engine.size()};
  for (int l = 0; l < engine.size(); ++l) {
    auto queue = per_loop[static_cast<std::size_t>(l)];
    engine.post(l, [&, queue, l] {
      auto next = std::make_shared<std::size_t>(0);
      const int workers = static_cast<int>(std::min<std::size_t>(kOpenConcurrency, queue->size()));
      pending.fetch_add(workers);
      for (int w = 0; w < workers; ++w)
        spawn(engine.loop(l), open_worker(queue, next), errors, &pending);
      if (loops_left.fetch_sub(1) == 1) all_done.set_value();
    });
  }
  finished.wait();  // every worker is spawned (and counted) once every loop ran its post
  wait_for_zero(pending, std::numeric_limits<Nanos>::max());
  errors.rethrow();
}

void cancel_at_target(const std::vector<Vu*>& vus, Nanos budget) {
  if (vus.empty()) return;
  const Nanos deadline = mono_now() + budget;
  std::atomic<std::size_t> next{0};
  const std::size_t threads = std::min<std::size_t>(8, vus.size());
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < vus.size() && mono_now() < deadline; i = next++) {
        vus[i]->interrupt();
      }
    });
  }
  for (auto& th : pool) th.join();
}

}  // namespace lg::exec
