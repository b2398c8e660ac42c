#pragma once
// The refresher: runs an option's refresh function (its [view] role; option C:
// loadgate_c.refresh_product_search_with_logging(), REFRESH MATERIALIZED VIEW CONCURRENTLY) every
// interval on its own connection, recording mv_refresh_duration and marking the RefreshTracker
// so VU samples that overlap a refresh are tagged during_refresh.

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/background/activity.hpp"
#include "harness/db/connection.hpp"
#include "harness/db/live_table.hpp"
#include "harness/db/reconnecting.hpp"
#include "harness/exec/run_state.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/scenario/model.hpp"

namespace lg::background {

/// One refresh attempt as it happened. Times are ns since the measured start.
struct RefreshEvent {
  Nanos start = 0;
  Nanos duration = 0;
  bool ok = true;
  std::string error;                           ///< server message when !ok
  ErrorClass error_class = ErrorClass::kNone;  ///< why it failed (connection, timeout, server…)
  int attempt = 0;                             ///< 0: first try; k: k-th retry of a failed refresh
  std::int64_t queue_depth = -1;  ///< debounced: queued writes it covered; -1 otherwise
  /// What the refresh itself cost, measured on the backend that ran it (a server on this
  /// machine only): CPU seconds, storage bytes read/written; the view's total size (table and
  /// indexes) before and after.
  std::optional<double> cpu_s;
  std::optional<std::int64_t> read_bytes, write_bytes;
  std::optional<std::int64_t> view_bytes_before, view_bytes_after;
};

class Refresher : public Activity {
 public:
  /// Connects (throws InfraError). `slot_duration` is a trend slot (µs) in `shard`; failed
  /// attempts are counted there under their error class, never as a duration. A connection
  /// lost later is re-established with backoff on the next attempt; losses and reconnects go
  /// to `log` (may be null). What it refreshes, logs and switches are `option`'s roles: its
  /// view (required), and for the debounced strategy its queue, which it empties, and the
  /// trigger that fills it, which it enables; for the trigger strategy it brings the live
  /// table in step and enables its sync trigger, and marks `tracker` always current; otherwise
  /// it makes sure that sync is off (throws DbError). An option lacking the view, or the role
  /// the strategy needs, is refused (InputError; the scenario loader refuses it first).
  Refresher(const std::string& conninfo, const option::SchemaOption& option,
            const scenario::RefresherSpec& spec, metrics::RecorderShard& shard,
            metrics::SlotId slot_duration, exec::RefreshTracker& tracker,
            db::ConnectionLog* log = nullptr);
  ~Refresher() override;
  std::string name() const override { return "refresher"; }
  /// Starts at t0 (a mono_now() timestamp, the measured start): interval refreshes at t0,
  /// t0 + interval, …; continuous ones back to back; debounced ones at most once per interval
  /// while writes are queued; none for the trigger strategy (the writes keep the table
  /// current). Each successful refresh sets the tracker's snapshot_at to its start. A failed
  /// refresh is retried up to max_retries times after retry_backoff, doubling each time; every
  /// attempt is an event.
  void start(Nanos t0) override;
  /// Lets a refresh in progress finish (a retry wait ends at once), then stops; disables the
  /// debounce or live-sync trigger again. `mode.at_once` (an immediate stop) cancels the
  /// refresh in progress instead of waiting for it.
  void stop(StopMode mode) override;
  /// Dead when its thread ended on an error. Refreshes that fail are not death: they are
  /// counted (failed_for_good) and judged by the refresh_failures invariant.
  Health health() override;
  /// Refreshes so far; call after stop() for the complete list.
  std::vector<RefreshEvent> events() const;
  /// Trigger strategy: how long enabling the live table's sync took (its resync included), ns.
  Nanos live_sync_setup() const noexcept { return live_sync_setup_; }
  /// Refreshes that failed for good (every retry failed too); after stop().
  int failed_for_good() const;
  /// Start (ns since the measured start) of the last refresh that succeeded; nullopt if none.
  std::optional<Nanos> last_success_start() const;

 private:
  bool tick();
  bool refresh_with_retries(std::int64_t queue_depth);
  bool refresh_once(int attempt, std::int64_t queue_depth);
  bool wait_or_stop(Nanos ns);
  std::optional<std::int64_t> view_bytes() noexcept;
  void log_failure(Nanos duration, const std::string& error) noexcept;

  int backend_pid_ = 0;  // before conn_: its on_connect sets it, from the constructor on
  db::ReconnectingConnection conn_;
  scenario::RefresherSpec spec_;
  option::ViewRole view_;
  std::string write_relation_;
  std::optional<option::DebouncedRole> debounced_;
  std::optional<db::LiveSync> live_;
  std::atomic<bool> stopping_{false};
  metrics::RecorderShard& shard_;
  metrics::SlotId slot_;
  exec::RefreshTracker& tracker_;
  Nanos t0_ = 0;
  Nanos live_sync_setup_ = 0;
  mutable std::mutex mu_;
  std::vector<RefreshEvent> events_;
  int failed_for_good_ = 0;
  PeriodicThread thread_;
};

}  // namespace lg::background
