#include "harness/exec/vu_pool.hpp"

namespace lg::exec {

ArrivalSchedule make_schedule(const scenario::ExecutorSpec& spec, std::uint64_t seed) {
  std::vector<RateStage> stages;
  for (const auto& s : spec.stages) stages.push_back({s.duration, static_cast<double>(s.target)});
  const auto pattern = spec.arrivals == scenario::Arrivals::kPoisson ? ArrivalPattern::kPoisson
                                                                     : ArrivalPattern::kEven;
  return ArrivalSchedule(spec.start_rate, spec.time_unit, stages, pattern, seed);
}

void dispatch_loop(ArrivalSchedule& schedule, Nanos t0, VuPool& pool, const std::atomic<bool>& stop,
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

}  // namespace lg::exec
