#include "harness/exec/ramping_vus.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

namespace lg::exec {
namespace {

// How long the cancel requests for VUs overdue after a ramp-down may take in all.
constexpr Nanos kCancelBudget = 2 * kNanosPerSecond;

}  // namespace

int target_vus_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept {
  double from = spec.start_vus;
  Nanos stage_start = 0;
  for (const auto& stage : spec.stages) {
    if (t < stage_start + stage.duration) {
      const double frac =
          static_cast<double>(t - stage_start) / static_cast<double>(stage.duration);
      const double x = from + (stage.target - from) * frac;
      return static_cast<int>(stage.target >= from ? std::floor(x) : std::ceil(x));
    }
    from = stage.target;
    stage_start += stage.duration;
  }
  return static_cast<int>(from);
}

std::size_t stage_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept {
  Nanos end = 0;
  for (std::size_t i = 0; i < spec.stages.size(); ++i) {
    end += spec.stages[i].duration;
    if (t < end) return i;
  }
  return spec.stages.empty() ? 0 : spec.stages.size() - 1;
}

RampingVusExecutor::RampingVusExecutor(const scenario::ExecutorSpec& spec,
                                       const ExecutionContext& ctx)
    : spec_(spec), ctx_(ctx), loops_(static_cast<std::size_t>(ctx.engine.size())) {}

RampingVusExecutor::~RampingVusExecutor() {
  if (started_) stop(mono_now());
}

void RampingVusExecutor::open() {
  const int n = plan().max_vus;
  const int loops = ctx_.engine.size();
  std::vector<HostedVu*> all;
  for (int i = 0; i < n; ++i) {
    const int loop = i % loops;
    vus_.push_back(std::make_unique<HostedVu>(ctx_.make_vu(static_cast<std::size_t>(i), loop), loop,
                                              static_cast<std::size_t>(i)));
    loops_[static_cast<std::size_t>(loop)].members.push_back(vus_.back().get());
    all.push_back(vus_.back().get());
  }
  removed_at_.assign(static_cast<std::size_t>(n), 0);
  started_ = true;
  open_all(ctx_.engine, all);
  running_.store(n);
  for (auto& h : vus_) {
    LoopState& ls = loops_[static_cast<std::size_t>(h->loop)];
    spawn(ctx_.engine.loop(h->loop), run_vu(*h, ls), errors_, &running_);
  }
}

asio::awaitable<void> RampingVusExecutor::run_vu(HostedVu& h, LoopState& ls) {
  h.wake = std::make_unique<asio::steady_timer>(ctx_.engine.loop(h.loop));
  while (!ls.stopping) {
    if (static_cast<int>(h.index) >= ls.active) {
      h.wake->expires_at(asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await h.wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    h.busy.store(true, std::memory_order_release);
    co_await h.vu->iterate(ls.recording, std::nullopt);
    h.busy.store(false, std::memory_order_release);
  }
}

void RampingVusExecutor::set_active(int n) {
  active_.store(n, std::memory_order_relaxed);
  for (int l = 0; l < ctx_.engine.size(); ++l) {
    LoopState* ls = &loops_[static_cast<std::size_t>(l)];
    ctx_.engine.post(l, [ls, n] {
      ls->active = n;
      for (HostedVu* h : ls->members) {
        if (static_cast<int>(h->index) < n && h->wake) h->wake->cancel();
      }
    });
  }
}

void RampingVusExecutor::begin(Nanos /*t0*/, bool measured) {
  for (int l = 0; l < ctx_.engine.size(); ++l) {
    LoopState* ls = &loops_[static_cast<std::size_t>(l)];
    ctx_.engine.post(l, [ls, measured] { ls->recording = measured; });
  }
  set_active(measured ? target_vus_at(spec_, 0) : static_cast<int>(vus_.size()));
}

void RampingVusExecutor::advance(Nanos elapsed) {
  const Nanos now = mono_now();
  const int target = target_vus_at(spec_, std::min(elapsed, spec_.total_duration()));
  const int old = active_.load(std::memory_order_relaxed);
  if (target != old) {
    for (int i = target; i < old; ++i) removed_at_[static_cast<std::size_t>(i)] = now;
    for (int i = old; i < target; ++i) removed_at_[static_cast<std::size_t>(i)] = 0;
    set_active(target);
  }
  std::vector<Vu*> overdue;
  for (std::size_t i = static_cast<std::size_t>(std::max(target, 0)); i < vus_.size(); ++i) {
    if (removed_at_[i] != 0 && now - removed_at_[i] > spec_.graceful_ramp_down &&
        vus_[i]->busy.load(std::memory_order_acquire)) {
      overdue.push_back(vus_[i]->vu.get());
      removed_at_[i] = 0;
    }
  }
  cancel_at_target(overdue, kCancelBudget);
}

StopReport RampingVusExecutor::stop(Nanos deadline) {
  StopReport report;
  if (stopped_ || !started_) return report;
  stopped_ = true;
  active_.store(0);
  for (int l = 0; l < ctx_.engine.size(); ++l) {
    LoopState* ls = &loops_[static_cast<std::size_t>(l)];
    ctx_.engine.post(l, [ls] {
      ls->stopping = true;
      for (HostedVu* h : ls->members) {
        if (h->wake) h->wake->cancel();
      }
    });
  }
  const Drained drained = drain(ctx_.engine, running_, deadline, ctx_.stop, [&](int l) {
    int busy = 0;
    for (HostedVu* h : loops_[static_cast<std::size_t>(l)].members) {
      if (!h->busy.load(std::memory_order_acquire)) continue;
      h->vu->abandon();
      ++busy;
    }
    return busy;
  });
  report.interrupted = drained.interrupted;
  report.stopped_at = drained.stopped_at;
  ctx_.engine.on_each([&](int l) {
    for (HostedVu* h : loops_[static_cast<std::size_t>(l)].members) {
      h->wake.reset();
      h->vu.reset();
    }
  });
  return report;
}

}  // namespace lg::exec
