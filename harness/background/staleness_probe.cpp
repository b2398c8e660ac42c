#include "harness/background/staleness_probe.hpp"

#include <string>

namespace lg::background {

StalenessProbe::StalenessProbe(const std::string& conninfo, std::int64_t product_id,
                               const std::string& read_relation, Nanos interval, Nanos poll,
                               metrics::RecorderShard& shard, metrics::SlotId slot)
    : conn_(db::Connection::open(conninfo)),
      product_id_(std::to_string(product_id)),
      poll_sql_("SELECT extract(epoch FROM updated_at)::float8 FROM " + read_relation +
                " WHERE id = $1"),
      interval_(interval),
      poll_(poll),
      shard_(shard),
      slot_(slot) {
  conn_.exec("SET application_name = 'loadgate staleness probe'");
}

void StalenessProbe::start(Nanos t0) {
  next_write_ = t0;
  thread_.start(t0, poll_, [this](std::int64_t) { return tick(); });
}

bool StalenessProbe::tick() {
  if (mono_now() >= next_write_) {
    write_marker();
    next_write_ += interval_;
  }
  if (!markers_.empty()) poll_view();
  return true;
}

void StalenessProbe::write_marker() noexcept {
  try {
    // Autocommit: the marker is committed when the statement returns.
    const auto r = conn_.query(
        "UPDATE loadgate_c.custom_posts SET updated_at = clock_timestamp() WHERE id = $1 "
        "RETURNING extract(epoch FROM updated_at)::float8",
        {product_id_});
    const Nanos committed = mono_now();
    if (r.rows() == 1) {
      markers_.push_back({std::stod(std::string(r.get(0, 0))), committed});
      ++written_;
    }
  } catch (const std::exception&) {
    // A failed write is no marker; the writer's and refresher's own metrics show the outage.
  }
}

void StalenessProbe::poll_view() noexcept {
  try {
    const auto r = conn_.query(poll_sql_, {product_id_});
    const Nanos seen = mono_now();
    if (r.rows() != 1 || r.is_null(0, 0)) return;
    const double shown = std::stod(std::string(r.get(0, 0)));
    while (!markers_.empty() && markers_.front().stamp <= shown) {
      shard_.record(slot_, metrics::to_micros(seen - markers_.front().committed), false);
      markers_.pop_front();
    }
  } catch (const std::exception&) {
    // The view may be briefly unavailable (a fault step); the markers wait.
  }
}

}  // namespace lg::background
