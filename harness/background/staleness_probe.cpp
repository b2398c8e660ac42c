#include "harness/background/staleness_probe.hpp"

#include <string>

namespace lg::background {

StalenessProbe::StalenessProbe(const std::string& conninfo, std::int64_t product_id,
                               const std::string& write_relation, const std::string& read_relation,
                               Nanos interval, Nanos poll, metrics::RecorderShard& shard,
                               metrics::SlotId slot, db::ConnectionLog* log)
    : conn_(conninfo, "staleness probe", log,
            [](db::Connection& c) { c.exec("SET application_name = 'loadgate staleness probe'"); }),
      product_id_(std::to_string(product_id)),
      marker_sql_("UPDATE " + write_relation +
                  " SET updated_at = clock_timestamp() WHERE id = $1 "
                  "RETURNING extract(epoch FROM updated_at)::float8"),
      poll_sql_("SELECT extract(epoch FROM updated_at)::float8 FROM " + read_relation +
                " WHERE id = $1"),
      interval_(interval),
      poll_(poll),
      shard_(shard),
      slot_(slot) {}

void StalenessProbe::start(Nanos t0) {
  t0_ = t0;
  next_write_ = t0;
  thread_.start(t0, poll_, [this](std::int64_t) { return tick(); });
}

void StalenessProbe::stop(StopMode mode) {
  if (stopped_) return;
  stopped_ = true;
  thread_.stop();  // joined: this thread owns the connection now
  if (!mode.at_once && !markers_.empty() && thread_.died().empty()) poll_view();
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
    const auto r = conn_.get().query(marker_sql_, {product_id_});
    const Nanos committed = mono_now();
    if (r.rows() == 1) {
      markers_.push_back({std::stod(std::string(r.get(0, 0))), committed});
      ++written_;
    }
  } catch (const std::exception& e) {
    failed(e, write_failures_);  // no marker: counted, and in the verdict
  }
}

void StalenessProbe::poll_view() noexcept {
  try {
    const auto r = conn_.get().query(poll_sql_, {product_id_});
    const Nanos seen = mono_now();
    if (r.rows() != 1 || r.is_null(0, 0)) return;
    const double shown = std::stod(std::string(r.get(0, 0)));
    while (!markers_.empty() && markers_.front().stamp <= shown) {
      shard_.record(slot_, metrics::to_micros(seen - markers_.front().committed));
      markers_.pop_front();
    }
  } catch (const std::exception& e) {
    failed(e, poll_failures_);  // the markers wait; a view that stays away fails the verdict
  }
}

void StalenessProbe::failed(const std::exception& e, std::int64_t& counter) noexcept {
  ++counter;
  try {
    last_error_ = e.what();
    conn_.failed(e);
  } catch (...) {
  }
}

std::vector<Nanos> StalenessProbe::pending_committed() const {
  std::vector<Nanos> out;
  for (const auto& m : markers_) out.push_back(m.committed - t0_);
  return out;
}

}  // namespace lg::background
