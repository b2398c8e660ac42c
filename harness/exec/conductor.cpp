#include "harness/exec/conductor.hpp"

#include <algorithm>
#include <cstdio>

namespace lg::exec {

bool sleep_until_or_stop(Nanos deadline, const StopToken& stop) {
  while (mono_now() < deadline) {
    if (stop.stop_requested()) return false;
    sleep_until_mono(std::min(deadline, mono_now() + 20 * kNanosPerMilli));
  }
  return !stop.stop_requested();
}

Nanos stop_deadline(StopReason reason, const scenario::ExecutorSpec& spec, Nanos t0,
                    const StopToken& stop) {
  // At the planned end, iterations in flight get graceful_stop (from the planned end, not from
  // a late tick); an early stop ends them now, as k6 does on Ctrl-C. A stop requested while
  // the stages were ending (a signal at the last tick) also means now: nobody waits for a
  // grace period the user has just declined.
  if (reason != StopReason::kEndOfStages || stop.stop_requested()) return mono_now();
  return t0 + spec.total_duration() + spec.graceful_stop;
}

ConductResult conduct(Executor& executor, const scenario::ExecutorSpec& spec,
                      metrics::Recorder& recorder, RefreshTracker& refresh, const StopToken& stop,
                      const std::function<void(Nanos)>& on_measured_start,
                      const IntervalFn& on_interval) {
  ConductResult result;
  const Nanos opening = mono_now();
  executor.open();
  std::fprintf(stderr, "  %d VUs connected in %.1f s\n", executor.plan().initial_vus,
               static_cast<double>(mono_now() - opening) / 1e9);
  if (spec.warmup > 0) {
    refresh.snapshot_at.store(mono_now());  // warmup reads are not recorded, but see a view age
    executor.begin(mono_now(), false);
    const bool warmed = sleep_until_or_stop(mono_now() + spec.warmup, stop);
    recorder.collect();  // warmup samples are not part of any interval
    if (!warmed) {
      result.reason = stop.reason();
      executor.stop(mono_now());
      return result;
    }
  }
  const Nanos t0 = mono_now();
  IntervalClock clock(spec, t0, recorder, refresh, on_interval);
  // The view is taken as fresh at the measured start (nothing has written since it was built;
  // the refresher moves it on from there). Stored before any VU records: a read that saw no
  // snapshot time would record a view age as old as the machine's uptime.
  refresh.snapshot_at.store(t0);
  executor.begin(t0, true);
  result.measured = true;
  result.t0 = t0;
  if (on_measured_start) on_measured_start(t0);
  for (;;) {
    const bool more = clock.tick(executor.vus());
    executor.advance(clock.elapsed());
    if (stop.stop_requested()) {
      result.reason = stop.reason();
      break;
    }
    if (!more) {
      result.reason = StopReason::kEndOfStages;
      break;
    }
  }
  const StopReport stopped = executor.stop(stop_deadline(result.reason, spec, t0, stop));
  result.interrupted = stopped.interrupted;
  result.end = stopped.stopped_at != 0 ? stopped.stopped_at : mono_now();
  clock.finish(0, result.end);
  return result;
}

}  // namespace lg::exec
