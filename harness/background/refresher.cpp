#include "harness/background/refresher.hpp"

namespace lg::background {

Refresher::Refresher(const std::string& conninfo, Nanos interval, metrics::RecorderShard& shard,
                     metrics::SlotId slot_duration, exec::RefreshTracker& tracker)
    : conn_(db::Connection::open(conninfo)),
      interval_(interval),
      shard_(shard),
      slot_(slot_duration),
      tracker_(tracker) {
  conn_.exec("SET application_name = 'loadgate refresher'");
}

void Refresher::start(Nanos t0) {
  t0_ = t0;
  thread_.start(t0, interval_, [this](std::int64_t) { return refresh_once(); });
}

bool Refresher::refresh_once() {
  RefreshEvent ev;
  tracker_.begin();
  const Nanos start = mono_now();
  try {
    conn_.exec("SELECT loadgate_c.refresh_product_search_with_logging()");
  } catch (const std::exception& e) {
    ev.ok = false;
    ev.error = e.what();
  }
  const Nanos end = mono_now();
  if (!ev.ok) log_failure(end - start, ev.error);
  tracker_.end();
  ev.start = start - t0_;
  ev.duration = end - start;
  shard_.record(slot_, metrics::to_micros(ev.duration), !ev.ok);
  std::lock_guard lock(mu_);
  events_.push_back(std::move(ev));
  return true;
}

void Refresher::log_failure(Nanos duration, const std::string& error) noexcept {
  // The function's own failure row is rolled back with its transaction: keep one here.
  try {
    conn_.query(
        "INSERT INTO loadgate_c.mv_refresh_log (started_at, finished_at, duration_ms, status, "
        "error) VALUES (clock_timestamp() - make_interval(secs => $1::float8 / 1000), "
        "clock_timestamp(), $1::float8, 'failure', $2)",
        {std::to_string(static_cast<double>(duration) / 1e6), error});
  } catch (const std::exception&) {
    // The connection itself may be gone; the event still reaches the results.
  }
}

std::vector<RefreshEvent> Refresher::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

}  // namespace lg::background
