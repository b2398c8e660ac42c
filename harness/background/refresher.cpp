#include "harness/background/refresher.hpp"

#include <thread>

#include "harness/core/errors.hpp"
#include "harness/db/backend_usage.hpp"
#include "harness/db/live_table.hpp"

namespace lg::background {
namespace {

// The option's view; InputError when it has none (nothing to refresh).
option::ViewRole view_of(const option::SchemaOption& option) {
  if (!option.view) {
    throw InputError("refresher", "option " + option.name + " has no [view] to refresh");
  }
  return *option.view;
}

std::optional<db::LiveSync> live_of(const option::SchemaOption& option) {
  if (!option.live) return std::nullopt;
  return db::LiveSync{option.write_relation, option.live->table, option.live->source,
                      option.live->sync_trigger};
}

// Continuous refreshes follow each other with only this gap (the periodic thread collapses
// missed slots into one that is due at once).
constexpr Nanos kContinuousPeriod = kNanosPerMilli;
constexpr Nanos kStopCheck = 50 * kNanosPerMilli;

}  // namespace

Refresher::Refresher(const std::string& conninfo, const option::SchemaOption& option,
                     const scenario::RefresherSpec& spec, metrics::RecorderShard& shard,
                     metrics::SlotId slot_duration, exec::RefreshTracker& tracker,
                     db::ConnectionLog* log)
    : conn_(conninfo, "refresher", log,
            [this](db::Connection& c) {
              c.exec("SET application_name = 'loadgate refresher'");
              backend_pid_ = std::stoi(std::string(c.query("SELECT pg_backend_pid()").get(0, 0)));
            }),
      spec_(spec),
      view_(view_of(option)),
      write_relation_(option.write_relation),
      debounced_(option.debounced),
      live_(live_of(option)),
      shard_(shard),
      slot_(slot_duration),
      tracker_(tracker) {
  const bool debounced = spec_.strategy == scenario::RefreshStrategy::kDebounced;
  const bool trigger = spec_.strategy == scenario::RefreshStrategy::kTrigger;
  if ((debounced && !debounced_) || (trigger && !live_)) {
    throw InputError("refresher.strategy",
                     std::string("option ") + option.name + " has no " +
                         (debounced ? "[strategies.debounced]" : "[strategies.trigger]"));
  }
  db::Connection& c = conn_.get();
  if (debounced) {
    c.exec("DELETE FROM " + debounced_->queue);
    c.exec("ALTER TABLE " + write_relation_ + " ENABLE TRIGGER " + debounced_->enqueue_trigger);
  }
  if (trigger) {
    const Nanos begin = mono_now();
    db::enable_live_sync(c, *live_);
    live_sync_setup_ = mono_now() - begin;
    tracker_.always_current.store(true);
  } else if (live_) {
    // A run cut short may have left it on; other strategies' writes must not pay for it.
    db::disable_live_sync(c, *live_);
  }
}

Refresher::~Refresher() { stop({}); }

void Refresher::start(Nanos t0) {
  t0_ = t0;
  if (spec_.strategy == scenario::RefreshStrategy::kTrigger) return;  // the writes refresh
  const Nanos period =
      spec_.strategy == scenario::RefreshStrategy::kContinuous ? kContinuousPeriod : spec_.interval;
  thread_.start(t0, period, [this](std::int64_t) { return tick(); });
}

Health Refresher::health() {
  const std::string died = thread_.died();
  return {died.empty(), died};
}

void Refresher::stop(StopMode mode) {
  stopping_.store(true);
  if (mode.at_once) conn_.cancel();
  thread_.stop();
  if (spec_.strategy == scenario::RefreshStrategy::kTrigger) {
    try {
      db::disable_live_sync(conn_.get(), *live_);
    } catch (const std::exception&) {
      // As below: the next run's refresher turns it off again.
    }
    spec_.strategy = scenario::RefreshStrategy::kInterval;
    return;
  }
  if (spec_.strategy != scenario::RefreshStrategy::kDebounced) return;
  try {
    conn_.get().exec("ALTER TABLE " + write_relation_ + " DISABLE TRIGGER " +
                     debounced_->enqueue_trigger);
  } catch (const std::exception&) {
    // The connection may be gone; the next run's refresher disables or re-enables it anyway.
  }
  spec_.strategy = scenario::RefreshStrategy::kInterval;  // stop() is idempotent
}

bool Refresher::tick() {
  if (spec_.strategy != scenario::RefreshStrategy::kDebounced) {
    refresh_with_retries(-1);
    return true;
  }
  // Only what was queued before the refresh starts is covered by it; later writes stay queued.
  std::int64_t depth = 0;
  std::string last_id;
  try {
    const auto r =
        conn_.get().query("SELECT count(*), coalesce(max(id), 0) FROM " + debounced_->queue);
    depth = std::stoll(std::string(r.get(0, 0)));
    last_id = std::string(r.get(0, 1));
  } catch (const std::exception& e) {
    conn_.failed(e);
    return true;  // a lost connection shows up as the next refresh's failure
  }
  if (depth == 0) return true;
  if (refresh_with_retries(depth)) {
    try {
      conn_.get().query("DELETE FROM " + debounced_->queue + " WHERE id <= $1", {last_id});
    } catch (const std::exception& e) {
      conn_.failed(e);
      // Left queued: the next window refreshes again, which is safe.
    }
  }
  return true;
}

bool Refresher::refresh_with_retries(std::int64_t queue_depth) {
  Nanos backoff = spec_.retry_backoff;
  for (int attempt = 0;; ++attempt) {
    if (refresh_once(attempt, queue_depth)) return true;
    if (attempt >= spec_.max_retries || !wait_or_stop(backoff)) {
      std::lock_guard lock(mu_);
      ++failed_for_good_;
      return false;
    }
    backoff *= 2;
  }
}

bool Refresher::wait_or_stop(Nanos ns) {
  const Nanos until = mono_now() + ns;
  while (mono_now() < until) {
    if (stopping_.load()) return false;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(kStopCheck, until - mono_now())));
  }
  return !stopping_.load();
}

std::optional<std::int64_t> Refresher::view_bytes() noexcept {
  try {
    const auto r =
        conn_.get().query("SELECT pg_total_relation_size(to_regclass($1))", {view_.relation});
    if (r.rows() == 1 && !r.is_null(0, 0)) return std::stoll(std::string(r.get(0, 0)));
  } catch (const std::exception& e) {
    conn_.failed(e);
  }
  return std::nullopt;
}

bool Refresher::refresh_once(int attempt, std::int64_t queue_depth) {
  RefreshEvent ev;
  ev.attempt = attempt;
  ev.queue_depth = queue_depth;
  ev.view_bytes_before = view_bytes();
  const auto usage_before = db::read_backend_usage(backend_pid_);
  tracker_.begin();
  const Nanos start = mono_now();
  try {
    conn_.get().exec("SELECT " + view_.refresh_function + "()");
    tracker_.snapshot_at.store(start, std::memory_order_release);
  } catch (const db::NotConnected& e) {
    ev.ok = false;
    ev.error = e.what();
    ev.error_class = ErrorClass::kConnect;
  } catch (const db::DbError& e) {
    ev.ok = false;
    ev.error = e.what();
    ev.error_class = conn_.failed(e) ? ErrorClass::kConnect : classify_sqlstate(e.sqlstate());
  } catch (const std::exception& e) {
    ev.ok = false;
    ev.error = e.what();
    ev.error_class = conn_.failed(e) ? ErrorClass::kConnect : ErrorClass::kServer;
  }
  const Nanos end = mono_now();
  if (const auto usage_after = db::read_backend_usage(backend_pid_); usage_before && usage_after) {
    ev.cpu_s = usage_after->cpu_s - usage_before->cpu_s;
    if (usage_before->read_bytes && usage_after->read_bytes) {
      ev.read_bytes = *usage_after->read_bytes - *usage_before->read_bytes;
      ev.write_bytes = *usage_after->write_bytes - *usage_before->write_bytes;
    }
  }
  if (!ev.ok) log_failure(end - start, ev.error);
  tracker_.end();
  ev.view_bytes_after = view_bytes();
  ev.start = start - t0_;
  ev.duration = end - start;
  shard_.record(slot_, metrics::to_micros(ev.duration), ev.error_class);
  const bool ok = ev.ok;
  std::lock_guard lock(mu_);
  events_.push_back(std::move(ev));
  return ok;
}

void Refresher::log_failure(Nanos duration, const std::string& error) noexcept {
  // The function's own failure row is rolled back with its transaction: keep one here.
  if (!conn_.connected()) return;
  try {
    conn_.get().query("INSERT INTO " + view_.refresh_log +
                          " (started_at, finished_at, duration_ms, status, error) VALUES "
                          "(clock_timestamp() - make_interval(secs => $1::float8 / 1000), "
                          "clock_timestamp(), $1::float8, 'failure', $2)",
                      {std::to_string(static_cast<double>(duration) / 1e6), error});
  } catch (const std::exception&) {
    // The connection itself may be gone; the event still reaches the results.
  }
}

int Refresher::failed_for_good() const {
  std::lock_guard lock(mu_);
  return failed_for_good_;
}

std::optional<Nanos> Refresher::last_success_start() const {
  std::lock_guard lock(mu_);
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (it->ok) return it->start;
  }
  return std::nullopt;
}

std::vector<RefreshEvent> Refresher::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

}  // namespace lg::background
