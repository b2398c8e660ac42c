#pragma once
// One virtual user: owns a driver, its parameter stream and its recorder shard, and runs
// iterations of the weighted query mix. Timing and recording happen here, around the driver.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "harness/core/rng.hpp"
#include "harness/driver/pg_driver.hpp"
#include "harness/exec/run_state.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/params.hpp"

namespace lg::exec {

/// One entry of the mix as a VU executes it.
struct MixItem {
  const workload::QuerySpec* query = nullptr;
  std::size_t statement = 0;  ///< index into the driver's prepared statements
  std::uint64_t cumulative_weight = 0;
  metrics::SlotId slot = 0;             ///< sql_duration, during_refresh:false
  metrics::SlotId slot_refresh = 0;     ///< sql_duration, during_refresh:true
  metrics::SlotId service = 0;          ///< sql_service_time, during_refresh:false
  metrics::SlotId service_refresh = 0;  ///< sql_service_time, during_refresh:true
};

/// The weighted mix shared read-only by every VU of one option.
struct MixPlan {
  std::vector<MixItem> items;
  metrics::SlotId schedule_lag = 0;  ///< open model: actual start - intended start, µs
  /// Weighted choice: an item index drawn with probability weight/total.
  std::size_t pick(Rng& rng) const noexcept;
};

class Vu {
 public:
  Vu(std::unique_ptr<driver::PgDriver> driver, workload::ParamGenerator params, Rng mix_rng,
     metrics::RecorderShard& shard, const MixPlan& mix, const RefreshTracker& refresh);

  /// Closed model: runs one iteration (pick a query, draw parameters, execute) and, if
  /// `record`, records its duration in µs as sql_duration and sql_service_time, tagged by
  /// whether it overlapped a refresh.
  void iterate(bool record) noexcept;
  /// Open model: the iteration was scheduled for `intended` (mono ns). sql_duration counts from
  /// `intended` (no coordinated omission), sql_service_time from the actual send, and
  /// schedule_lag is the actual start minus `intended`.
  void iterate_at(bool record, Nanos intended) noexcept;
  /// Cancels the statement in flight (graceful stop / ramp-down deadline); the interrupted
  /// iteration is not recorded. Safe from another thread.
  void cancel() noexcept {
    cancel_requested_.store(true);
    driver_->cancel();
  }

 private:
  void run(bool record, std::optional<Nanos> intended) noexcept;

  std::unique_ptr<driver::PgDriver> driver_;
  workload::ParamGenerator params_;
  Rng mix_rng_;
  metrics::RecorderShard& shard_;
  const MixPlan& mix_;
  const RefreshTracker& refresh_;
  driver::Params values_;
  std::atomic<bool> cancel_requested_{false};
};

}  // namespace lg::exec
