#pragma once
// The refresher: runs loadgate_c.refresh_product_search_with_logging() (REFRESH MATERIALIZED VIEW
// CONCURRENTLY) every interval on its own connection, recording mv_refresh_duration and marking
// the RefreshTracker so VU samples that overlap a refresh are tagged during_refresh.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/background/activity.hpp"
#include "harness/db/connection.hpp"
#include "harness/exec/run_state.hpp"
#include "harness/metrics/recorder.hpp"

namespace lg::background {

/// One refresh as it happened. Times are ns since the measured start.
struct RefreshEvent {
  Nanos start = 0;
  Nanos duration = 0;
  bool ok = true;
  std::string error;  ///< server message when !ok
};

class Refresher {
 public:
  /// Connects (throws InfraError). `slot_duration` is a trend slot (µs) in `shard`; failed
  /// refreshes are recorded there with the error flag.
  Refresher(const std::string& conninfo, Nanos interval, metrics::RecorderShard& shard,
            metrics::SlotId slot_duration, exec::RefreshTracker& tracker);
  /// First refresh at t0 (a mono_now() timestamp, the measured start), then every interval.
  void start(Nanos t0);
  /// Lets a refresh in progress finish, then stops.
  void stop() { thread_.stop(); }
  /// Refreshes so far; call after stop() for the complete list.
  std::vector<RefreshEvent> events() const;

 private:
  bool refresh_once();
  void log_failure(Nanos duration, const std::string& error) noexcept;

  db::Connection conn_;
  Nanos interval_;
  metrics::RecorderShard& shard_;
  metrics::SlotId slot_;
  exec::RefreshTracker& tracker_;
  Nanos t0_ = 0;
  mutable std::mutex mu_;
  std::vector<RefreshEvent> events_;
  PeriodicThread thread_;
};

}  // namespace lg::background
