#pragma once
// k6's constant-arrival-rate and ramping-arrival-rate executors (open model). A dispatcher
// thread walks the ArrivalSchedule and hands each intended start to an idle VU; latency is
// measured from that intended start, so a stalled target cannot hide its stall (no coordinated
// omission). When every VU is busy the iteration is counted in dropped_iterations, never
// silently skipped, and one more VU is started in the background while max_vus allows (k6).

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "harness/exec/interval_clock.hpp"
#include "harness/exec/vu.hpp"
#include "harness/exec/vu_pool.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::exec {

class ArrivalRateExecutor {
 public:
  /// `seed` drives Poisson arrivals; `dispatch_shard`/`dropped_slot` count dropped iterations
  /// (the shard must be used by no other thread during run()).
  ArrivalRateExecutor(const scenario::ExecutorSpec& spec, std::uint64_t seed,
                      metrics::RecorderShard& dispatch_shard, metrics::SlotId dropped_slot)
      : spec_(spec), seed_(seed), dispatch_shard_(dispatch_shard), dropped_slot_(dropped_slot) {}

  /// Opens pre_allocated_vus VUs, runs the warmup (at the first stage's rate, unrecorded), then
  /// the schedule. Calls on_measured_start when recording begins and on_interval per interval.
  /// Returns false when interrupted.
  bool run(const VuFactory& make_vu, metrics::Recorder& recorder, const RefreshTracker& refresh,
           const std::function<void()>& on_measured_start, const IntervalFn& on_interval);

 private:
  const scenario::ExecutorSpec& spec_;
  std::uint64_t seed_;
  metrics::RecorderShard& dispatch_shard_;
  metrics::SlotId dropped_slot_;
};

}  // namespace lg::exec
