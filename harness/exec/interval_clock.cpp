#include "harness/exec/interval_clock.hpp"

#include <algorithm>

namespace lg::exec {
namespace {

constexpr Nanos kControlTick = 5 * kNanosPerMilli;

}  // namespace

IntervalClock::IntervalClock(const scenario::ExecutorSpec& spec, Nanos t0,
                             metrics::Recorder& recorder, const RefreshTracker& refresh,
                             const IntervalFn& on_interval)
    : spec_(spec),
      t0_(t0),
      recorder_(recorder),
      refresh_(refresh),
      on_interval_(on_interval),
      stage_end_(spec.stages.empty() ? 0 : spec.stages[0].duration) {}

void IntervalClock::emit(Nanos end, int vus) {
  const std::size_t stage = std::min(stage_, spec_.stages.empty() ? 0 : spec_.stages.size() - 1);
  on_interval_(IntervalInfo{stage, interval_start_, end, vus, refresh_.in_flight()},
               recorder_.collect());
  interval_start_ = end;
}

bool IntervalClock::tick(int vus) {
  if (stage_ >= spec_.stages.size()) return false;
  const Nanos next_second = (interval_start_ / kNanosPerSecond + 1) * kNanosPerSecond;
  const Nanos boundary = std::min(next_second, stage_end_);
  sleep_until_mono(std::min(t0_ + boundary, mono_now() + kControlTick));
  const Nanos now = elapsed();
  if (now < boundary) return true;
  // The interval ends when it is collected, which is the boundary plus the wake-up delay.
  emit(std::max(now, interval_start_), vus);
  if (boundary == stage_end_ && ++stage_ < spec_.stages.size()) {
    stage_end_ += spec_.stages[stage_].duration;
  }
  return stage_ < spec_.stages.size();
}

void IntervalClock::finish(int vus, Nanos end) {
  emit(std::max(interval_start_, end != 0 ? end - t0_ : elapsed()), vus);
}

}  // namespace lg::exec
