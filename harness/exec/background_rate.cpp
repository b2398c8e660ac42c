#include "harness/exec/background_rate.hpp"

#include <algorithm>

namespace lg::exec {

BackgroundArrivalRate::BackgroundArrivalRate(const scenario::ExecutorSpec& spec, std::uint64_t seed,
                                             VuFactory make_vu,
                                             metrics::RecorderShard& dispatch_shard,
                                             metrics::SlotId dropped_slot)
    : spec_(spec),
      seed_(seed),
      make_vu_(std::move(make_vu)),
      pool_(static_cast<std::size_t>(std::max(spec.max_vus, spec.pre_allocated_vus)), make_vu_),
      dispatch_shard_(dispatch_shard),
      dropped_slot_(dropped_slot) {
  for (int i = 0; i < spec.pre_allocated_vus; ++i) pool_.add_now();
}

BackgroundArrivalRate::~BackgroundArrivalRate() { stop(); }

void BackgroundArrivalRate::start(Nanos t0) {
  pool_.recording().store(true);
  dispatcher_ = std::thread([this, t0] {
    ArrivalSchedule schedule = make_schedule(spec_, seed_);
    dispatch_loop(schedule, t0, pool_, stop_, &dispatch_shard_, dropped_slot_);
  });
}

void BackgroundArrivalRate::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_.store(true);
  if (dispatcher_.joinable()) dispatcher_.join();
  pool_.drain(spec_.graceful_stop);
}

}  // namespace lg::exec
