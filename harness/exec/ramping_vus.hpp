#pragma once
// k6's ramping-vus executor (closed model): the number of looping VUs follows the stages,
// ramping linearly from the previous stage's target. Samples are split into 1 s intervals and at
// every stage boundary, so stage tags are exact to the collector's wake-up (a few ms).

#include <functional>
#include <memory>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/exec/interval_clock.hpp"
#include "harness/exec/vu.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::exec {

/// VUs that should be active t ns after the measured start (pure). Within a stage the count
/// follows the line from the previous target and changes when the line crosses an integer
/// (floor while ramping up, ceil while ramping down). After the last stage: its target.
int target_vus_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept;

/// Index of the stage active at t (the last stage once t is past the end).
std::size_t stage_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept;

class RampingVusExecutor {
 public:
  explicit RampingVusExecutor(const scenario::ExecutorSpec& spec) : spec_(spec) {}

  /// Runs warmup (all VUs, unrecorded) then the stages. Calls on_measured_start once when
  /// recording begins, and on_interval for every 1 s interval and stage boundary, then once more
  /// for samples finished during graceful stop. Returns false when interrupted (SIGINT).
  bool run(std::vector<std::unique_ptr<Vu>>& vus, metrics::Recorder& recorder,
           const RefreshTracker& refresh, const std::function<void()>& on_measured_start,
           const IntervalFn& on_interval);

 private:
  const scenario::ExecutorSpec& spec_;
};

}  // namespace lg::exec
