#pragma once
// The open model's VU pool and dispatcher, shared by the main arrival-rate executor and the
// background one that runs the write mix. Each VU thread waits on its own mailbox; the
// dispatcher hands each intended start to the idle VU with the lowest index.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/exec/arrival_schedule.hpp"
#include "harness/exec/vu.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::exec {

/// Creates VU number i (connects and prepares; throws InfraError / DbError).
using VuFactory = std::function<std::unique_ptr<Vu>(std::size_t index)>;

inline constexpr Nanos kJobIdle = -1;
inline constexpr Nanos kJobStop = -2;

// One VU and its mailbox: the dispatcher writes an intended start into an idle VU's `job`; the
// VU runs it and writes kJobIdle back. Only the dispatcher leaves kJobIdle; only the VU returns
// to it.
// One VU and its mailbox: the dispatcher writes an intended start into an idle VU's `job`; the
// VU runs it and writes kJobIdle back. Only the dispatcher leaves kJobIdle; only the VU returns to
// it.
struct PoolWorker {
  std::unique_ptr<Vu> vu;
  std::atomic<Nanos> job{kJobIdle};
  std::thread thread;
};

/// The VU pool: capacity max_vus, filled up front to pre_allocated_vus and then by a background
/// creator thread. Slots below `ready` are complete and never move.
class VuPool {
 public:
  VuPool(std::size_t capacity, const VuFactory& make_vu) : workers_(capacity), make_vu_(make_vu) {}
  ~VuPool() { stop(); }

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
      if (workers_[i].job.load(std::memory_order_acquire) != kJobIdle) continue;
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
  /// Waits up to `graceful` for busy VUs to finish their iteration, cancels the rest, stops.
  void drain(Nanos graceful) {
    const Nanos deadline = mono_now() + graceful;
    while (busy() > 0 && mono_now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (busy() > 0) cancel_all();
    stop();
  }
  // Two-step stop: idle VUs stop at once; busy ones after their iteration.
  void stop() {
    if (creator_.joinable()) creator_.join();
    stopping_.store(true);
    for (std::size_t i = 0; i < ready(); ++i) {
      Nanos idle = kJobIdle;
      if (workers_[i].job.compare_exchange_strong(idle, kJobStop)) workers_[i].job.notify_one();
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
  void loop(PoolWorker& w) {
    for (;;) {
      const Nanos job = w.job.load(std::memory_order_acquire);
      if (job == kJobStop) return;
      if (job == kJobIdle) {
        w.job.wait(kJobIdle, std::memory_order_acquire);
        continue;
      }
      arrive_at(job);
      w.vu->iterate_at(recording_.load(std::memory_order_acquire), job);
      w.job.store(kJobIdle, std::memory_order_release);
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
  std::vector<PoolWorker> workers_;
  const VuFactory& make_vu_;
  std::atomic<std::size_t> ready_{0};
  std::atomic<bool> creating_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> recording_{false};
  std::thread creator_;
};

/// The arrival schedule of an arrival-rate ExecutorSpec (its stages, start rate, time unit and
/// arrival pattern; `seed` drives Poisson arrivals).
ArrivalSchedule make_schedule(const scenario::ExecutorSpec& spec, std::uint64_t seed);

/// Walks `schedule` from t0 (mono ns) until its end, `stop` or an interrupt, dispatching each
/// arrival; an arrival no VU was idle for is counted in `dropped_slot` of `dropped_shard` (when
/// given) and asks the pool for one more VU.
void dispatch_loop(ArrivalSchedule& schedule, Nanos t0, VuPool& pool, const std::atomic<bool>& stop,
                   metrics::RecorderShard* dropped_shard, metrics::SlotId dropped_slot);

}  // namespace lg::exec
