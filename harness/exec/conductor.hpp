#pragma once
// Drives any executor through one measured run on the calling thread: open its VUs, warm up,
// start recording, tick the interval clock and move the executor along its stages, then the
// two-step stop. The run ends at its planned end plus graceful_stop at the latest, whatever
// the target is doing; an early stop (signal, abort_on_fail, infrastructure error) comes in
// through the stop token and ends it at once.

#include <functional>

#include "harness/core/stop.hpp"
#include "harness/exec/executor.hpp"
#include "harness/exec/interval_clock.hpp"

namespace lg::exec {

/// How a conducted run ended.
struct ConductResult {
  StopReason reason = StopReason::kNone;  ///< kEndOfStages, or the token's reason
  bool measured = false;                  ///< the measured phase started
  int interrupted = 0;                    ///< iterations abandoned at the stop
  Nanos t0 = 0;   ///< mono ns of the measured start (0 when it never started)
  Nanos end = 0;  ///< mono ns when the last VU had stopped
};

/// Runs `executor` (configured by `spec`): open(), the warmup (unrecorded; what the shards
/// hold afterwards is dropped), begin(t0, measured) with on_measured_start(t0) right after
/// (refresh.snapshot_at is set to t0 before begin: the view counts as fresh at the start),
/// on_interval for every 1 s interval and stage boundary (and once more for what finished
/// during the graceful stop), advance() every control tick. Stops at the end of the stages
/// (deadline: planned end + graceful_stop) or as soon as `stop` is requested (deadline: now).
/// Throws what open() throws, before anything was measured.
ConductResult conduct(Executor& executor, const scenario::ExecutorSpec& spec,
                      metrics::Recorder& recorder, RefreshTracker& refresh, const StopToken& stop,
                      const std::function<void(Nanos)>& on_measured_start,
                      const IntervalFn& on_interval);

/// The deadline (mono ns) for Executor::stop: the planned end plus graceful_stop when the
/// stages ended as planned and no stop was requested; now otherwise (a signal, an immediate
/// stop, abort_on_fail, an infrastructure error).
Nanos stop_deadline(StopReason reason, const scenario::ExecutorSpec& spec, Nanos t0,
                    const StopToken& stop);

/// Sleeps until `deadline` (mono ns) in short slices; returns false as soon as `stop` is
/// requested.
bool sleep_until_or_stop(Nanos deadline, const StopToken& stop);

}  // namespace lg::exec
