#pragma once
// An arrival-rate executor that runs beside the main one, as k6 runs several scenarios at once:
// the write mix ramps on its own schedule while the reads ramp on theirs. It has its own VU
// pool and dispatcher but no interval clock: its VUs record into shards of the main run's
// recorder, which the main executor's clock collects with everything else.

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "harness/exec/vu_pool.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::exec {

class BackgroundArrivalRate {
 public:
  /// Opens spec.pre_allocated_vus VUs now (throws what make_vu throws). `seed` drives Poisson
  /// arrivals; arrivals no VU was free for are counted in `dropped_slot` of `dispatch_shard`.
  BackgroundArrivalRate(const scenario::ExecutorSpec& spec, std::uint64_t seed, VuFactory make_vu,
                        metrics::RecorderShard& dispatch_shard, metrics::SlotId dropped_slot);
  ~BackgroundArrivalRate();
  BackgroundArrivalRate(const BackgroundArrivalRate&) = delete;
  BackgroundArrivalRate& operator=(const BackgroundArrivalRate&) = delete;

  /// Starts recording and dispatching the schedule from t0 (mono ns, the measured start).
  void start(Nanos t0);
  /// Stops dispatching, lets busy VUs finish within spec.graceful_stop (then cancels them) and
  /// closes every VU. Idempotent.
  void stop();
  /// VUs running an iteration now.
  int busy() const { return pool_.busy(); }

 private:
  const scenario::ExecutorSpec& spec_;
  std::uint64_t seed_;
  VuFactory make_vu_;  // before pool_: the pool keeps a reference to it
  VuPool pool_;
  metrics::RecorderShard& dispatch_shard_;
  metrics::SlotId dropped_slot_;
  std::atomic<bool> stop_{false};
  std::thread dispatcher_;
  bool stopped_ = false;
};

}  // namespace lg::exec
