#pragma once
// The staleness probe (docs/architecture.md "Vocabulary"): the real write -> visible lag of an
// option's view. Every `interval` it commits a marker (updated_at = clock_timestamp() on one
// product in its write relation, e.g. loadgate_c.custom_posts) and notes when the write
// returned; every `poll` it reads that
// product's updated_at from the view (or the table the reads use). A marker is visible once the
// view shows its timestamp or a later one; its lag (detection time - commit time, on this process's
// monotonic clock, so an upper bound by at most one poll) is recorded in mv_staleness.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "harness/background/activity.hpp"
#include "harness/db/connection.hpp"
#include "harness/db/reconnecting.hpp"
#include "harness/metrics/recorder.hpp"

namespace lg::background {

class StalenessProbe : public Activity {
 public:
  /// Connects (throws InfraError). `product_id` must exist in `write_relation` (qualified: where
  /// markers are written); `read_relation` is the qualified relation the option's reads see
  /// (its view, or the trigger strategy's live table); `slot` is a trend slot (µs). A lost
  /// connection is re-established with backoff; losses go to `log` (may be null) and failed writes
  /// and polls are counted, never swallowed.
  StalenessProbe(const std::string& conninfo, std::int64_t product_id,
                 const std::string& write_relation, const std::string& read_relation,
                 Nanos interval, Nanos poll, metrics::RecorderShard& shard, metrics::SlotId slot,
                 db::ConnectionLog* log = nullptr);
  std::string name() const override { return "staleness probe"; }
  /// First marker at t0 (mono ns).
  void start(Nanos t0) override;
  /// Stops after the poll in progress, then polls the view once more (not on an immediate
  /// stop): the refresher stops first, and its last refresh must get a poll to show its
  /// markers before they are judged unseen. Markers never seen stay counted in pending().
  void stop(StopMode mode) override;
  /// Dead when its thread ended on an error; failed writes and polls are counted instead.
  Health health() override {
    const std::string died = thread_.died();
    return {died.empty(), died};
  }
  /// Markers written so far.
  std::int64_t written() const { return written_; }
  /// Markers not yet visible in the view when the probe stopped.
  std::int64_t pending() const { return static_cast<std::int64_t>(markers_.size()); }
  /// When each marker still unseen was committed, ns since the measured start; after stop().
  std::vector<Nanos> pending_committed() const;
  /// Marker writes and view polls that failed (after stop()).
  std::int64_t write_failures() const { return write_failures_; }
  std::int64_t poll_failures() const { return poll_failures_; }
  /// The last failure's message, "" if none.
  const std::string& last_error() const { return last_error_; }

 private:
  struct Marker {
    double stamp = 0;  ///< updated_at written, epoch seconds (server clock)
    Nanos committed = 0;
  };
  bool tick();
  void write_marker() noexcept;
  void poll_view() noexcept;

  void failed(const std::exception& e, std::int64_t& counter) noexcept;

  db::ReconnectingConnection conn_;
  std::string product_id_;
  std::string marker_sql_;
  std::string poll_sql_;
  Nanos interval_;
  Nanos poll_;
  metrics::RecorderShard& shard_;
  metrics::SlotId slot_;
  Nanos next_write_ = 0;
  std::deque<Marker> markers_;  ///< oldest first
  std::int64_t written_ = 0;
  std::int64_t write_failures_ = 0;
  std::int64_t poll_failures_ = 0;
  std::string last_error_;
  Nanos t0_ = 0;
  bool stopped_ = false;
  PeriodicThread thread_;
};

}  // namespace lg::background
