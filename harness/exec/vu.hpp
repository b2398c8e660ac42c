#pragma once
// One virtual user: owns a driver, its parameter and think-time streams, and runs iterations
// (journeys of steps with think time) as a coroutine on its event loop. Timing and recording
// happen here, around the driver, into the loop's recorder shard.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "harness/core/rng.hpp"
#include "harness/driver/driver.hpp"
#include "harness/exec/run_state.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/params.hpp"

namespace lg::exec {

namespace asio = boost::asio;

/// Slots per read source of one step: duration and service time, each outside / during a
/// refresh.
inline constexpr std::size_t kSlotsPerSource = 4;
/// "No slot": the step carries no such check / the journey records no iteration_duration.
inline constexpr metrics::SlotId kNoSlot = std::numeric_limits<metrics::SlotId>::max();

/// One step of a journey as a VU executes it.
struct StepPlan {
  const workload::QuerySpec* query = nullptr;  ///< the generators to draw parameters from
  std::size_t operation = 0;  ///< index into the driver's statements or request templates
  /// First of this step's slots: per read source s (one for SQL, driver::kReadSources for
  /// HTTP), base + kSlotsPerSource*s + {0: *_duration, 1: *_duration during a refresh,
  /// 2: *_service_time, 3: *_service_time during a refresh}.
  metrics::SlotId base = 0;
  scenario::ThinkTime think;  ///< after the step
  scenario::CheckSpec checks;
  /// Rate slots of the `checks` metric, one per check the step carries (else kNoSlot).
  metrics::SlotId status_check = kNoSlot, body_check = kNoSlot, duration_check = kNoSlot;
  /// The slot for a sample of read source `source`.
  metrics::SlotId slot(std::size_t source, bool service, bool during_refresh) const noexcept {
    return static_cast<metrics::SlotId>(base + kSlotsPerSource * source + (service ? 2 : 0) +
                                        (during_refresh ? 1 : 0));
  }
};

/// One weighted journey: its steps in order. A mix entry is a journey of one step without
/// think time.
struct JourneyPlan {
  std::vector<StepPlan> steps;
  std::uint64_t cumulative_weight = 0;
  metrics::SlotId iteration_duration = kNoSlot;  ///< trend, µs; kNoSlot: not recorded
};

/// The weighted workload shared read-only by every VU of one executor.
struct WorkloadPlan {
  std::vector<JourneyPlan> journeys;
  std::size_t sources = 1;           ///< read sources per step: 1 (SQL) or kReadSources (HTTP)
  metrics::SlotId schedule_lag = 0;  ///< open model: actual start - intended start, µs
  /// Counters: connections found lost, and re-established, by this workload's VUs.
  metrics::SlotId connections_lost = 0, reconnects = 0;
  /// Option C's view reads: the age of the view each read saw (RefreshTracker::view_age, µs),
  /// recorded for SQL reads and for HTTP reads the server answered from the view.
  std::optional<metrics::SlotId> view_age;
  /// Weighted choice: a journey index drawn with probability weight/total.
  std::size_t pick(Rng& rng) const noexcept;
};

/// A think time drawn from `t` (ns): constant, uniform in [a, b], or exponential with mean a.
Nanos draw_think(const scenario::ThinkTime& t, Rng& rng) noexcept;

class Vu {
 public:
  /// `shard` must be written by `loop`'s thread only; `plan` and `refresh` outlive the VU.
  Vu(std::unique_ptr<driver::Driver> driver, workload::ParamGenerator params, Rng mix_rng,
     Rng think_rng, asio::io_context& loop, metrics::RecorderShard& shard, const WorkloadPlan& plan,
     const RefreshTracker& refresh);

  /// Connects the driver (throws what Driver::open throws).
  asio::awaitable<void> open() { co_await driver_->open(); }

  /// Runs one iteration: picks a journey and runs its steps in order, each followed by its
  /// think time. If `record`, each step records *_duration (from the step's intended start:
  /// the arrival for an open model's first step, the end of the think time before later
  /// steps, else the actual send), *_service_time (from the actual send), its checks, the
  /// arrival's schedule_lag, and a journey's iteration_duration (think time included).
  /// Failed operations are recorded as errors, never as successful samples. An interrupted
  /// step, and the rest of its journey, is not recorded.
  asio::awaitable<void> iterate(bool record, std::optional<Nanos> intended);

  /// Interrupts the iteration in flight: the operation is cancelled at the target
  /// (Driver::cancel, may block for a round trip) and a think time ends. Safe from any thread.
  void interrupt() noexcept;
  /// Ends the iteration in flight at once, on the VU's loop thread (the hard stop).
  void abandon() noexcept;

  /// Times the driver reconnected.
  std::int64_t reconnects() const noexcept { return driver_->reconnects(); }

 private:
  void record_step(const StepPlan& st, const driver::Outcome& outcome, Nanos from, Nanos start,
                   Nanos end, std::uint64_t refresh_before) noexcept;
  asio::awaitable<bool> think(Nanos deadline);

  std::unique_ptr<driver::Driver> driver_;
  workload::ParamGenerator params_;
  Rng mix_rng_;
  Rng think_rng_;
  asio::io_context& loop_;
  asio::steady_timer think_timer_;
  metrics::RecorderShard& shard_;
  const WorkloadPlan& plan_;
  const RefreshTracker& refresh_;
  driver::Params values_;
  std::atomic<bool> interrupted_{false};
  bool abandoned_ = false;
};

}  // namespace lg::exec
