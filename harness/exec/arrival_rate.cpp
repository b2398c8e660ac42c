#include "harness/exec/arrival_rate.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "harness/exec/vu_pool.hpp"

namespace lg::exec {

bool ArrivalRateExecutor::run(const VuFactory& make_vu, metrics::Recorder& recorder,
                              const RefreshTracker& refresh,
                              const std::function<void()>& on_measured_start,
                              const IntervalFn& on_interval) {
  VuPool pool(static_cast<std::size_t>(std::max(spec_.max_vus, spec_.pre_allocated_vus)), make_vu);
  for (int i = 0; i < spec_.pre_allocated_vus; ++i) pool.add_now();
  std::atomic<bool> stop{false};
  bool completed = true;
  if (spec_.warmup > 0) {
    const double rate = spec_.stages.empty() ? 0 : spec_.stages.front().target;
    ArrivalSchedule warm(rate, spec_.time_unit, {{spec_.warmup, rate}}, ArrivalPattern::kEven, 0);
    dispatch_loop(warm, mono_now(), pool, stop, nullptr, dropped_slot_);
    completed = !interrupt_flag().load();
    recorder.collect();  // drop anything a shard holds from warmup
  }
  ArrivalSchedule schedule = make_schedule(spec_, seed_);
  const Nanos t0 = mono_now();
  IntervalClock clock(spec_, t0, recorder, refresh, on_interval);
  std::thread dispatcher;
  if (completed) {
    pool.recording().store(true);
    if (on_measured_start) on_measured_start();
    dispatcher = std::thread(
        [&] { dispatch_loop(schedule, t0, pool, stop, &dispatch_shard_, dropped_slot_); });
    while (clock.tick(pool.busy())) {
      if (interrupt_flag().load()) {
        completed = false;
        break;
      }
    }
  }
  stop.store(true);
  if (dispatcher.joinable()) dispatcher.join();
  pool.drain(spec_.graceful_stop);
  if (pool.recording().load()) clock.finish(0);
  return completed;
}

}  // namespace lg::exec
