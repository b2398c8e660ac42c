#pragma once
// The conductor's clock, shared by every executor: it wakes at least every 5 ms, and collects
// the recorder at each whole second and at each stage boundary, so every interval lies inside
// one stage. Each interval carries its real start and end: a collector that ran late makes its
// interval longer, it never relabels it as a 1 s interval (rates are count / real duration).

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
  Nanos start = 0;        ///< when the previous collection happened (0 for the first)
  Nanos end = 0;          ///< when this collection happened
  int vus = 0;  ///< active (closed model) or busy (open model) VUs at the end of the interval
  bool refresh_in_flight = false;
  /// After the executor stopped: only background work (a refresh, a write) still recorded.
  /// Its samples count, its time is not part of the stage's load time.
  bool background_tail = false;
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
  /// as a last interval of the current stage, ending at `end` (mono ns; 0: now).
  void finish(int vus, Nanos end = 0);

 private:
  void emit(Nanos end, int vus);

  const scenario::ExecutorSpec& spec_;
  Nanos t0_;
  metrics::Recorder& recorder_;
  const RefreshTracker& refresh_;
  const IntervalFn& on_interval_;
  Nanos interval_start_ = 0;
  Nanos stage_end_ = 0;
  std::size_t stage_ = 0;
};

}  // namespace lg::exec
