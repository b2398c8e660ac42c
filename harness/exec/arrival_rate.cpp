#include "harness/exec/arrival_rate.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "harness/exec/arrival_schedule.hpp"

namespace lg::exec {
namespace {

constexpr Nanos kIdle = -1;
constexpr Nanos kStop = -2;

// One VU and its mailbox: the dispatcher writes an intended start into an idle VU's `job`; the
// VU runs it and writes kIdle back. Only the dispatcher leaves kIdle; only the VU returns to it.
struct Worker {
  std::unique_ptr<Vu> vu;
  std::atomic<Nanos> job{kIdle};
  std::thread thread;
};

// The VU pool: capacity max_vus, filled up front to pre_allocated_vus and then by a background
// creator thread. Slots below `ready` are complete and never move.
class Pool {
 public:
  Pool(std::size_t capacity, const VuFactory& make_vu) : workers_(capacity), make_vu_(make_vu) {}
  ~Pool() { stop(); }

  void add_now() { start(ready_.load()); }
  std::size_t ready() const noexcept { return ready_.load(std::memory_order_acquire); }
  std::size_t capacity() const noexcept { return workers_.size(); }
  std::atomic<bool>& recording() noexcept { return recording_; }

  // Hands `intended` to the idle VU with the lowest index; false when all ready VUs are busy.
  // Lowest-first keeps the work on as few VUs as the load needs, so their threads, sockets and
  // the server's matching backends stay warm: a thread woken after a long sleep can cost a
  // few hundred µs on a virtual machine, which round-robin would add to most samples.
  bool dispatch(Nanos intended) {
    const std::size_t n = ready();
    for (std::size_t i = 0; i < n; ++i) {
      if (workers_[i].job.load(std::memory_order_acquire) != kIdle) continue;
      workers_[i].job.store(intended, std::memory_order_release);
      workers_[i].job.notify_one();
      return true;
    }
    return false;
  }
  // Asks the creator thread for one more VU (no-op at capacity or when one is being made).
  void request_more() {
    if (ready() >= capacity() || creating_.exchange(true)) return;
    if (creator_.joinable()) creator_.join();
    creator_ = std::thread([this] {
      try {
        add_now();
      } catch (const std::exception&) {
        // A VU that cannot connect leaves the pool as it was; arrivals keep being dropped.
      }
      creating_.store(false);
    });
  }
  int busy() const {
    int n = 0;
    for (std::size_t i = 0; i < ready(); ++i) n += workers_[i].job.load() >= 0 ? 1 : 0;
    return n;
  }
  void cancel_all() {
    for (std::size_t i = 0; i < ready(); ++i) workers_[i].vu->cancel();
  }
  // Two-step stop: idle VUs stop at once; busy ones after their iteration.
  void stop() {
    if (creator_.joinable()) creator_.join();
    stopping_.store(true);
    for (std::size_t i = 0; i < ready(); ++i) {
      Nanos idle = kIdle;
      if (workers_[i].job.compare_exchange_strong(idle, kStop)) workers_[i].job.notify_one();
    }
    for (std::size_t i = 0; i < ready(); ++i) {
      if (workers_[i].thread.joinable()) workers_[i].thread.join();
    }
  }

 private:
  void start(std::size_t i) {
    workers_[i].vu = make_vu_(i);
    workers_[i].thread = std::thread([this, i] { loop(workers_[i]); });
    ready_.store(i + 1, std::memory_order_release);
  }
  void loop(Worker& w) {
    for (;;) {
      const Nanos job = w.job.load(std::memory_order_acquire);
      if (job == kStop) return;
      if (job == kIdle) {
        w.job.wait(kIdle, std::memory_order_acquire);
        continue;
      }
      arrive_at(job);
      w.vu->iterate_at(recording_.load(std::memory_order_acquire), job);
      w.job.store(kIdle, std::memory_order_release);
      if (stopping_.load()) return;
    }
  }

  // The dispatcher hands each job over `lead()` before its intended start, so the time a thread
  // takes to wake up (the dispatcher's and then the VU's: ~100-300 µs on a virtual machine)
  // is spent before the intended start instead of after it. The VU then waits out the rest.
  // The lead tracks how late hand-offs would have been without it: an EWMA (1/16) of
  // lead - earliness, plus a margin, capped so a stalled machine cannot make VUs spin long.
  void arrive_at(Nanos intended) {
    const Nanos early = intended - mono_now();
    const Nanos lead = lead_.load(std::memory_order_relaxed);
    const Nanos late_without_lead = std::max<Nanos>(0, lead - early);
    // Racing VUs may lose an update: harmless for a smoothed estimate.
    const Nanos ewma = late_ewma_.load(std::memory_order_relaxed);
    const Nanos next = ewma + (late_without_lead - ewma) / 16;
    late_ewma_.store(next, std::memory_order_relaxed);
    lead_.store(std::min(kMaxLead, next + kLeadMargin), std::memory_order_relaxed);
    if (early > kMaxLead) sleep_until_mono(intended - kLeadMargin);
    while (mono_now() < intended) {
    }
  }

 public:
  /// How long before an intended start the dispatcher hands the job to a VU (ns).
  Nanos lead() const noexcept { return lead_.load(std::memory_order_relaxed); }

 private:
  static constexpr Nanos kLeadMargin = 20'000;
  static constexpr Nanos kMaxLead = 250'000;
  std::atomic<Nanos> lead_{kLeadMargin};
  std::atomic<Nanos> late_ewma_{0};
  std::vector<Worker> workers_;
  const VuFactory& make_vu_;
  std::atomic<std::size_t> ready_{0};
  std::atomic<bool> creating_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> recording_{false};
  std::thread creator_;
};

std::vector<RateStage> rate_stages(const scenario::ExecutorSpec& spec) {
  std::vector<RateStage> out;
  for (const auto& s : spec.stages) out.push_back({s.duration, static_cast<double>(s.target)});
  return out;
}

ArrivalPattern pattern(const scenario::ExecutorSpec& spec) {
  return spec.arrivals == scenario::Arrivals::kPoisson ? ArrivalPattern::kPoisson
                                                       : ArrivalPattern::kEven;
}

// Walks `schedule` from t0 until its end, `stop` or an interrupt, dispatching each arrival.
void dispatch_loop(ArrivalSchedule& schedule, Nanos t0, Pool& pool, const std::atomic<bool>& stop,
                   metrics::RecorderShard* dropped_shard, metrics::SlotId dropped_slot) {
  while (!stop.load() && !interrupt_flag().load()) {
    const auto offset = schedule.next();
    if (!offset) return;
    const Nanos intended = t0 + *offset;
    // Long gaps are slept in slices so a stop request is noticed promptly.
    while (mono_now() < intended - pool.lead() && !stop.load()) {
      sleep_until_mono(std::min(intended - pool.lead(), mono_now() + 50 * kNanosPerMilli));
    }
    if (pool.dispatch(intended)) continue;
    if (dropped_shard) dropped_shard->count(dropped_slot);
    pool.request_more();
  }
}

}  // namespace

bool ArrivalRateExecutor::run(const VuFactory& make_vu, metrics::Recorder& recorder,
                              const RefreshTracker& refresh,
                              const std::function<void()>& on_measured_start,
                              const IntervalFn& on_interval) {
  Pool pool(static_cast<std::size_t>(std::max(spec_.max_vus, spec_.pre_allocated_vus)), make_vu);
  for (int i = 0; i < spec_.pre_allocated_vus; ++i) pool.add_now();
  std::atomic<bool> stop{false};
  bool completed = true;
  if (spec_.warmup > 0) {
    const double rate = spec_.stages.empty() ? 0 : spec_.stages.front().target;
    ArrivalSchedule warm(rate, spec_.time_unit, {{spec_.warmup, rate}}, ArrivalPattern::kEven, 0);
    dispatch_loop(warm, mono_now(), pool, stop, nullptr, dropped_slot_);
    completed = !interrupt_flag().load();
    recorder.collect();  // drop anything a shard holds from warmup
  }
  ArrivalSchedule schedule(spec_.start_rate, spec_.time_unit, rate_stages(spec_), pattern(spec_),
                           seed_);
  const Nanos t0 = mono_now();
  IntervalClock clock(spec_, t0, recorder, refresh, on_interval);
  std::thread dispatcher;
  if (completed) {
    pool.recording().store(true);
    if (on_measured_start) on_measured_start();
    dispatcher = std::thread(
        [&] { dispatch_loop(schedule, t0, pool, stop, &dispatch_shard_, dropped_slot_); });
    while (clock.tick(pool.busy())) {
      if (interrupt_flag().load()) {
        completed = false;
        break;
      }
    }
  }
  stop.store(true);
  if (dispatcher.joinable()) dispatcher.join();
  const Nanos deadline = mono_now() + spec_.graceful_stop;
  while (pool.busy() > 0 && mono_now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (pool.busy() > 0) pool.cancel_all();
  pool.stop();
  if (pool.recording().load()) clock.finish(0);
  return completed;
}

}  // namespace lg::exec
