#pragma once
// One virtual user: owns a driver, its parameter stream and its recorder shard, and runs
// iterations of the weighted query mix. Timing and recording happen here, around the driver.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "harness/core/rng.hpp"
#include "harness/driver/driver.hpp"
#include "harness/exec/run_state.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/params.hpp"

namespace lg::exec {

/// Slots per read source of one mix entry: duration and service time, each outside / during a
/// refresh.
inline constexpr std::size_t kSlotsPerSource = 4;

/// One entry of the mix as a VU executes it.
struct MixItem {
  const workload::QuerySpec* query = nullptr;  ///< the generators to draw parameters from
  std::size_t operation = 0;  ///< index into the driver's statements or request templates
  std::uint64_t cumulative_weight = 0;
  /// First of this entry's slots: per read source s (one for SQL, driver::kReadSources for
  /// HTTP), base + kSlotsPerSource*s + {0: *_duration, 1: *_duration during a refresh,
  /// 2: *_service_time, 3: *_service_time during a refresh}.
  metrics::SlotId base = 0;
  /// The slot for a sample of read source `source`.
  metrics::SlotId slot(std::size_t source, bool service, bool during_refresh) const noexcept {
    return static_cast<metrics::SlotId>(base + kSlotsPerSource * source + (service ? 2 : 0) +
                                        (during_refresh ? 1 : 0));
  }
};

/// The weighted mix shared read-only by every VU of one option.
struct MixPlan {
  std::vector<MixItem> items;
  std::size_t sources = 1;           ///< read sources per item: 1 (SQL) or kReadSources (HTTP)
  metrics::SlotId schedule_lag = 0;  ///< open model: actual start - intended start, µs
  /// Option C's view reads: the age of the view each read saw (RefreshTracker::view_age, µs),
  /// recorded for SQL reads and for HTTP reads the server answered from the view.
  std::optional<metrics::SlotId> view_age;
  /// Weighted choice: an item index drawn with probability weight/total.
  std::size_t pick(Rng& rng) const noexcept;
};

class Vu {
 public:
  Vu(std::unique_ptr<driver::Driver> driver, workload::ParamGenerator params, Rng mix_rng,
     metrics::RecorderShard& shard, const MixPlan& mix, const RefreshTracker& refresh);

  /// Closed model: runs one iteration (pick a query or request, draw parameters, execute) and,
  /// if `record`, records its duration in µs as *_duration and *_service_time, tagged by
  /// whether it overlapped a refresh and by the response's read source.
  void iterate(bool record) noexcept;
  /// Open model: the iteration was scheduled for `intended` (mono ns). *_duration counts from
  /// `intended` (no coordinated omission), *_service_time from the actual send, and
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

  std::unique_ptr<driver::Driver> driver_;
  workload::ParamGenerator params_;
  Rng mix_rng_;
  metrics::RecorderShard& shard_;
  const MixPlan& mix_;
  const RefreshTracker& refresh_;
  driver::Params values_;
  std::atomic<bool> cancel_requested_{false};
};

}  // namespace lg::exec
