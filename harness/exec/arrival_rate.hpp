#pragma once
// k6's constant-arrival-rate and ramping-arrival-rate executors (open model). Each loop runs a
// dispatcher coroutine over its share of the ArrivalSchedule and hands each intended start to
// the idle VU of that loop with the lowest index; latency is measured from that intended
// start, so a stalled target cannot hide its stall (no coordinated omission). When every VU of
// the loop is busy the iteration is counted in dropped_iterations, never silently skipped, and
// one more VU is opened in the background while max_vus allows (k6).
//
// Work split: VU i lives on loop i mod L, and arrival k goes to the loop of VU k mod max_vus,
// so each loop gets arrivals in proportion to the VUs it may hold (k6's execution segments
// re-split arrival-rate work by VUs the same way) and no cross-thread hand-off is needed.

#include <atomic>
#include <memory>
#include <vector>

#include "harness/exec/arrival_schedule.hpp"
#include "harness/exec/executor.hpp"
#include "harness/exec/vu_host.hpp"

namespace lg::exec {

/// The arrival schedule of an arrival-rate ExecutorSpec (its stages, start rate, time unit and
/// arrival pattern; `seed` drives Poisson arrivals).
ArrivalSchedule make_schedule(const scenario::ExecutorSpec& spec, std::uint64_t seed);

/// The loop that runs arrival `k` when VU i lives on loop i mod `loops` and at most `max_vus`
/// VUs exist: the loop of VU k mod max_vus.
inline int loop_of_arrival(std::uint64_t k, int max_vus, int loops) noexcept {
  return static_cast<int>((k % static_cast<std::uint64_t>(max_vus)) %
                          static_cast<std::uint64_t>(loops));
}

/// How many of VUs 0..n-1 live on loop `loop` of `loops`.
inline int vus_on_loop(int n, int loop, int loops) noexcept {
  return n > loop ? (n - loop + loops - 1) / loops : 0;
}

class ArrivalRateExecutor final : public Executor {
 public:
  ArrivalRateExecutor(const scenario::ExecutorSpec& spec, const ExecutionContext& ctx);
  ~ArrivalRateExecutor() override;

  ExecutionPlan plan() const override { return plan_of(spec_); }
  /// Opens pre_allocated_vus VUs.
  void open() override;
  /// Warmup: the first stage's rate for spec.warmup, unrecorded. Measured: the schedule from
  /// t0, recorded (dropped iterations included).
  void begin(Nanos t0, bool measured) override;
  void advance(Nanos /*elapsed*/) override {}
  int vus() const override;
  StopReport stop(Nanos deadline) override;
  std::string failure() const override { return errors_.message(); }

 private:
  struct LoopState {
    int index = 0;
    int quota = 0;  // VUs this loop may hold
    std::vector<std::unique_ptr<HostedVu>> pool;
    std::unique_ptr<HostedVu> opening;  // a VU being added in the background
    std::unique_ptr<asio::steady_timer> timer;
    std::uint64_t generation = 0;  // a newer begin() ends the older dispatcher
    bool stopping = false;
    // The hand-off lead: see wait_until().
    Nanos lead = 0;
    Nanos late_ewma = 0;
    std::atomic<int> busy{0};
  };
  asio::awaitable<void> dispatch(LoopState& ls, ArrivalSchedule schedule, Nanos t0,
                                 std::uint64_t generation, bool measured);
  asio::awaitable<void> wait_until(LoopState& ls, Nanos intended, Nanos gap);
  asio::awaitable<void> run_one(LoopState& ls, HostedVu& h, Nanos intended, bool measured);
  asio::awaitable<void> add_vu(LoopState& ls);
  HostedVu* idle_vu(LoopState& ls) noexcept;

  const scenario::ExecutorSpec& spec_;
  const ExecutionContext& ctx_;
  int max_vus_ = 1;
  std::vector<std::unique_ptr<LoopState>> loops_;
  std::atomic<int> running_{0};  // dispatchers, iterations and VU openings in progress
  FirstError errors_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace lg::exec
