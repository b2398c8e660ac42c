#include "harness/exec/arrival_rate.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

namespace lg::exec {
namespace {

// Hand-off lead bounds: the margin added to the measured wake-up lateness, and a cap so that a
// stalled machine cannot make a loop poll for long.
constexpr Nanos kLeadMargin = 20'000;
constexpr Nanos kMaxLead = 250'000;

std::chrono::steady_clock::time_point to_time_point(Nanos mono) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::nanoseconds(mono)));
}

}  // namespace

ArrivalSchedule make_schedule(const scenario::ExecutorSpec& spec, std::uint64_t seed) {
  std::vector<RateStage> stages;
  for (const auto& s : spec.stages) stages.push_back({s.duration, static_cast<double>(s.target)});
  const auto pattern = spec.arrivals == scenario::Arrivals::kPoisson ? ArrivalPattern::kPoisson
                                                                     : ArrivalPattern::kEven;
  return ArrivalSchedule(spec.start_rate, spec.time_unit, stages, pattern, seed);
}

ArrivalRateExecutor::ArrivalRateExecutor(const scenario::ExecutorSpec& spec,
                                         const ExecutionContext& ctx)
    : spec_(spec), ctx_(ctx), max_vus_(std::max(1, plan_of(spec).max_vus)) {
  const int loops = ctx.engine.size();
  for (int l = 0; l < loops; ++l) {
    auto ls = std::make_unique<LoopState>();
    ls->index = l;
    ls->quota = vus_on_loop(max_vus_, l, loops);
    ls->lead = kLeadMargin;
    loops_.push_back(std::move(ls));
  }
}

ArrivalRateExecutor::~ArrivalRateExecutor() {
  if (started_) stop(mono_now());
}

void ArrivalRateExecutor::open() {
  const int loops = ctx_.engine.size();
  std::vector<HostedVu*> all;
  for (int i = 0; i < plan().initial_vus; ++i) {
    const int l = i % loops;
    auto h = std::make_unique<HostedVu>(ctx_.make_vu(static_cast<std::size_t>(i), l), l,
                                        static_cast<std::size_t>(i));
    all.push_back(h.get());
    loops_[static_cast<std::size_t>(l)]->pool.push_back(std::move(h));
  }
  started_ = true;
  open_all(ctx_.engine, all);
}

int ArrivalRateExecutor::vus() const {
  int n = 0;
  for (const auto& ls : loops_) n += ls->busy.load(std::memory_order_relaxed);
  return n;
}

HostedVu* ArrivalRateExecutor::idle_vu(LoopState& ls) noexcept {
  // Lowest index first keeps the work on as few VUs as the load needs, so their sockets and
  // the server's matching backends stay warm.
  for (auto& h : ls.pool) {
    if (!h->busy.load(std::memory_order_relaxed)) return h.get();
  }
  return nullptr;
}

asio::awaitable<void> ArrivalRateExecutor::add_vu(LoopState& ls) {
  try {
    co_await ls.opening->vu->open();
    if (!ls.stopping) ls.pool.push_back(std::move(ls.opening));
  } catch (const std::exception&) {
    // A VU that cannot connect leaves the pool as it was; arrivals keep being dropped.
  }
  ls.opening.reset();
}

asio::awaitable<void> ArrivalRateExecutor::wait_until(LoopState& ls, Nanos intended, Nanos gap) {
  // A sleeping loop wakes ~50-300 µs late on a virtual machine. The timer therefore fires
  // `lead` early, and the loop yields (running other VUs' I/O) until the intended start. The
  // lead follows an EWMA (1/16) of the timer's lateness plus a margin. It is at most a tenth
  // of the gap between this loop's arrivals: at high rates the loop does not sleep between
  // them (no wake-up to make up for), and polling for long would take the CPU the target
  // needs on a small machine.
  const Nanos lead = std::min(ls.lead, gap / 10);
  if (intended - mono_now() > lead) {
    const Nanos wake = intended - lead;
    ls.timer->expires_at(to_time_point(wake));
    boost::system::error_code ec;
    co_await ls.timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // a new phase or the stop
    const Nanos late = std::max<Nanos>(0, mono_now() - wake);
    ls.late_ewma += (late - ls.late_ewma) / 16;
    ls.lead = std::min(kMaxLead, ls.late_ewma + kLeadMargin);
  }
  while (mono_now() < intended && !ls.stopping) {
    co_await asio::post(ctx_.engine.loop(ls.index), asio::use_awaitable);
  }
}

asio::awaitable<void> ArrivalRateExecutor::run_one(LoopState& ls, HostedVu& h, Nanos intended,
                                                   bool measured) {
  co_await h.vu->iterate(measured, intended);
  h.busy.store(false, std::memory_order_relaxed);
  ls.busy.fetch_sub(1, std::memory_order_relaxed);
}

asio::awaitable<void> ArrivalRateExecutor::dispatch(LoopState& ls, ArrivalSchedule schedule,
                                                    Nanos t0, std::uint64_t generation,
                                                    bool measured) {
  const int loops = ctx_.engine.size();
  metrics::RecorderShard& shard = ctx_.recorder.shard(static_cast<std::size_t>(ls.index));
  Nanos previous = t0;
  for (std::uint64_t k = 0;; ++k) {
    const auto offset = schedule.next();
    if (!offset) break;
    if (loop_of_arrival(k, max_vus_, loops) != ls.index) continue;
    const Nanos intended = t0 + *offset;
    co_await wait_until(ls, intended, intended - previous);
    previous = intended;
    if (ls.generation != generation || ls.stopping) break;
    HostedVu* h = idle_vu(ls);
    if (h == nullptr) {
      if (measured) shard.count(ctx_.dropped);
      if (!ls.opening && static_cast<int>(ls.pool.size()) < ls.quota) {
        // Made here, not in add_vu: a spawned coroutine starts later, and until then the next
        // arrival must see that a VU is on its way.
        const auto index = static_cast<std::size_t>(ls.index) + ls.pool.size() * loops;
        ls.opening = std::make_unique<HostedVu>(ctx_.make_vu(index, ls.index), ls.index, index);
        running_.fetch_add(1);
        spawn(ctx_.engine.loop(ls.index), add_vu(ls), errors_, &running_);
      }
      continue;
    }
    h->busy.store(true, std::memory_order_relaxed);
    ls.busy.fetch_add(1, std::memory_order_relaxed);
    running_.fetch_add(1);
    spawn(ctx_.engine.loop(ls.index), run_one(ls, *h, intended, measured), errors_, &running_);
  }
}

void ArrivalRateExecutor::begin(Nanos t0, bool measured) {
  for (auto& l : loops_) {
    LoopState* ls = l.get();
    if (ls->quota == 0) continue;  // no VU may live here, so no arrival comes here
    ArrivalSchedule schedule = make_schedule(spec_, ctx_.seed);
    if (!measured) {
      const double rate = spec_.stages.empty() ? 0 : spec_.stages.front().target;
      schedule =
          ArrivalSchedule(rate, spec_.time_unit, {{spec_.warmup, rate}}, ArrivalPattern::kEven, 0);
    }
    running_.fetch_add(1);
    ctx_.engine.post(ls->index, [this, ls, schedule, t0, measured]() mutable {
      if (!ls->timer) ls->timer = std::make_unique<asio::steady_timer>(ctx_.engine.loop(ls->index));
      ls->timer->cancel();  // ends the previous phase's dispatcher
      const auto generation = ++ls->generation;
      spawn(ctx_.engine.loop(ls->index),
            dispatch(*ls, std::move(schedule), t0, generation, measured), errors_, &running_);
    });
  }
}

StopReport ArrivalRateExecutor::stop(Nanos deadline) {
  StopReport report;
  if (stopped_ || !started_) return report;
  stopped_ = true;
  for (auto& l : loops_) {
    LoopState* ls = l.get();
    ctx_.engine.post(ls->index, [ls] {
      ls->stopping = true;
      if (ls->timer) ls->timer->cancel();
    });
  }
  const Drained drained = drain(ctx_.engine, running_, deadline, ctx_.stop, [&](int l) {
    LoopState& ls = *loops_[static_cast<std::size_t>(l)];
    if (ls.opening) ls.opening->vu->abandon();
    int busy = 0;
    for (auto& h : ls.pool) {
      if (!h->busy.load(std::memory_order_relaxed)) continue;
      h->vu->abandon();
      ++busy;
    }
    return busy;
  });
  report.interrupted = drained.interrupted;
  report.stopped_at = drained.stopped_at;
  ctx_.engine.on_each([&](int l) {
    LoopState& ls = *loops_[static_cast<std::size_t>(l)];
    ls.timer.reset();
    ls.pool.clear();
    ls.opening.reset();
  });
  return report;
}

}  // namespace lg::exec
