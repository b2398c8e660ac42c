#pragma once
// The conductor's clock, shared by every executor: it wakes at least every 5 ms, and collects
// the recorder at each whole second and at each stage boundary, so every interval lies inside
// one stage and stage tags are exact to the wake-up.

#include <functional>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/exec/run_state.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::exec {

/// One collected interval of the measured run. Times are ns since the measured start.
struct IntervalInfo {
  std::size_t stage = 0;  ///< stage the interval belongs to
  Nanos start = 0;
  Nanos end = 0;
  int vus = 0;  ///< active (closed model) or busy (open model) VUs at the end of the interval
  bool refresh_in_flight = false;
};

using IntervalFn = std::function<void(const IntervalInfo&, std::vector<metrics::SlotData>&&)>;

class IntervalClock {
 public:
  /// t0: mono_now() of the measured start.
  IntervalClock(const scenario::ExecutorSpec& spec, Nanos t0, metrics::Recorder& recorder,
                const RefreshTracker& refresh, const IntervalFn& on_interval);
  /// Sleeps until the next control tick (<= 5 ms) and emits the interval that ended, if any.
  /// Returns false once every stage is over. `vus` is reported with the interval.
  bool tick(int vus);
  /// ns since the measured start.
  Nanos elapsed() const noexcept { return mono_now() - t0_; }
  /// Emits what was recorded since the last interval (samples finished during graceful stop)
  /// as a last interval of the current stage.
  void finish(int vus);

 private:
  void emit(Nanos boundary, int vus);

  const scenario::ExecutorSpec& spec_;
  Nanos t0_;
  metrics::Recorder& recorder_;
  const RefreshTracker& refresh_;
  const IntervalFn& on_interval_;
  Nanos interval_start_ = 0;
  Nanos stage_end_ = 0;
  std::size_t stage_ = 0;
};

/// Sleeps until `deadline` (mono ns) unless interrupted; returns false when interrupted.
bool sleep_until_or_interrupt(Nanos deadline);

}  // namespace lg::exec
