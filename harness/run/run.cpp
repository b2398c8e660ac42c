#include "harness/run/run.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <thread>

#include "datagen/schema.hpp"
#include "harness/background/refresher.hpp"
#include "harness/background/staleness_probe.hpp"
#include "harness/background/steps.hpp"
#include "harness/background/write_mix.hpp"
#include "harness/core/files.hpp"
#include "harness/db/calibration.hpp"
#include "harness/db/environment.hpp"
#include "harness/driver/http_driver.hpp"
#include "harness/driver/pg_driver.hpp"
#include "harness/exec/conductor.hpp"
#include "harness/exec/engine.hpp"
#include "harness/exec/executor.hpp"
#include "harness/results/hlog_sink.hpp"
#include "harness/results/progress.hpp"
#include "harness/results/report.hpp"
#include "harness/run/api_process.hpp"
#include "harness/run/dataset.hpp"
#include "harness/run/invariants.hpp"
#include "harness/run/plans.hpp"
#include "harness/run/preflight.hpp"
#include "harness/run/steps_plan.hpp"
#include "harness/run/workload_layout.hpp"
#include "harness/scenario/model.hpp"
#include "harness/workload/request_template.hpp"

namespace lg::run {
namespace {

constexpr std::uint64_t kWriterStream = 1'000'000;

struct OptionRun {
  const scenario::Scenario& s;
  /// The scenario's options, loaded once, in its order (report.options follows it).
  const std::vector<option::SchemaOption>& options;
  const workload::Catalog& catalog;
  const std::vector<workload::RequestTemplate>& requests;  ///< compiled [workload.requests]
  const datagen::ProductGenerator& gen;
  const Target& target;
  db::Connection& admin;
  results::RunAggregate& agg;
  const std::filesystem::path& dir;
  results::HlogSink& hlog;
  double run_start_epoch_s;
  results::ProgressLine& progress;
  StopSource& stop;  ///< signals, abort_on_fail
};

// k6 abortOnFail: thresholds marked so are evaluated after every interval once delay_abort_eval
// of this option's measured time has passed; a crossed one stops the run (like Ctrl-C, but the
// exit code is 99). Returns the reason, or "" to go on.
std::string check_abort(const scenario::Scenario& s, const results::RunAggregate& agg,
                        Nanos elapsed) {
  std::vector<gate::Threshold> due;
  for (const auto& t : s.thresholds) {
    if (t.abort_on_fail && elapsed >= t.delay_abort_eval) due.push_back(t);
  }
  if (due.empty()) return "";
  for (const auto& res : gate::evaluate(due, agg.series())) {
    if (!res.passed && res.observed) {
      return "threshold " + res.threshold.selector + " " + res.threshold.source +
             " crossed (abort_on_fail)";
    }
  }
  return "";
}

// The HTTP target of one option: catalog-api started for it, or the scenario's base_url.
struct HttpTarget {
  std::unique_ptr<ApiProcess> api;
  std::string base_url;  ///< empty for a SQL workload
};

HttpTarget open_http_target(const OptionRun& r, const option::SchemaOption& option, int max_vus) {
  HttpTarget t;
  if (!r.s.http_workload()) return t;
  if (!r.s.http.catalog_api) {
    t.base_url = r.s.http.base_url;
    return t;
  }
  ApiOptions o;
  o.conninfo = r.target.conninfo;
  o.option = option.name;
  o.pool = r.s.http.api_pool;
  o.threads = max_vus + 8;  // one server thread per keep-alive connection, plus admin calls
  o.mv_rollout_percent = r.s.http.mv_rollout_percent;
  o.log = r.dir / ("catalog-api-" + option.name + ".log");
  t.api = std::make_unique<ApiProcess>(o);
  t.base_url = t.api->base_url();
  return t;
}

// The engine's threads: [engine] threads, else one per core.
int engine_threads(const scenario::Scenario& s) { return s.engine.threads; }

// Shards of one option's recorder: one per event loop (its VUs and dispatchers), then the
// refresher's and the staleness probe's.
struct Shards {
  std::size_t loops;
  std::size_t refresher() const { return loops; }
  std::size_t probe() const { return loops + 1; }
  std::size_t count() const { return loops + 2; }
};

// Emits what background activities recorded after the executor's last interval (a refresh or
// a write still running at the stop) as one more interval: the run's tail.
void emit_tail(const OptionRun& r, const std::string& option, double option_start_s,
               const std::string& trial, const std::vector<metrics::SlotSpec>& slots,
               metrics::Recorder& recorder, const exec::IntervalInfo& last, Nanos t0) {
  exec::IntervalInfo tail = last;
  tail.start = last.end;
  tail.end = std::max(tail.start, mono_now() - t0);
  tail.vus = 0;
  tail.refresh_in_flight = false;
  tail.background_tail = true;
  auto data = recorder.collect();
  bool any = false;
  for (const auto& d : data) any = any || d.count != 0;
  if (!any) return;
  r.hlog.interval(option, results::stage_tag(r.s.executor, tail.stage), option_start_s, tail, slots,
                  data, trial);
  r.agg.add_interval(tail, std::move(data));
}

// The VU and writer sessions' settings (libpq `options`): statement_timeout and lock_timeout,
// so that a locked table or a runaway statement cannot hang a run.
std::string session_options(const scenario::Scenario& s) {
  std::string out;
  auto add = [&out](const char* name, Nanos ns) {
    if (ns <= 0) return;
    if (!out.empty()) out += ' ';
    out +=
        "-c " + std::string(name) + "=" + std::to_string(std::max<Nanos>(1, ns / kNanosPerMilli));
  };
  add("statement_timeout", s.database.statement_timeout);
  add("lock_timeout", s.database.lock_timeout);
  return out;
}

// How VUs are made for one option: the reads' VUs (SQL or HTTP) and the write mix's (SQL).
// Same streams on every option: VU v draws the same journeys, parameters and think times on
// A, B and C. Writer VU w draws from its own stream and inserts ids N+1+w, N+1+w+max_writers,
// ...: the same writes on every option, and no two writer VUs ever insert the same id.
struct VuFactories {
  exec::VuFactory reads;
  exec::VuFactory writes;
};

VuFactories vu_factories(const OptionRun& r, const OptionWorkload& w, exec::Engine& engine,
                         metrics::Recorder& recorder, const exec::RefreshTracker& tracker,
                         const std::optional<driver::BaseUrl>& base_url) {
  const std::uint64_t seed = r.s.dataset.seed;
  VuFactories f;
  f.reads = [&r, &w, &engine, &recorder, &tracker, &base_url, seed](std::size_t v, int l) {
    auto& loop = engine.loop(l);
    std::unique_ptr<driver::Driver> drv;
    if (base_url) {
      drv = std::make_unique<driver::HttpDriver>(loop, *base_url, r.s.http.timeout, r.requests);
    } else {
      drv = std::make_unique<driver::PgDriver>(loop, r.target.conninfo, w.read_statements,
                                               session_options(r.s), "loadgate-vu");
    }
    return std::make_unique<exec::Vu>(std::move(drv), workload::ParamGenerator(r.gen, seed, v),
                                      Rng::stream(seed, "mix", v), Rng::stream(seed, "think", v),
                                      loop, recorder.shard(static_cast<std::size_t>(l)), w.reads,
                                      tracker);
  };
  const int writers = r.s.writer.enabled ? r.s.writer.executor.peak_vus() : 0;
  f.writes = [&r, &w, &engine, &recorder, &tracker, seed, writers](std::size_t v, int l) {
    auto& loop = engine.loop(l);
    workload::ParamGenerator params(r.gen, seed, kWriterStream + v);
    params.set_insert_lane(r.gen.count() + 1 + static_cast<std::int64_t>(v), writers);
    return std::make_unique<exec::Vu>(
        std::make_unique<driver::PgDriver>(loop, r.target.conninfo, w.write_statements,
                                           session_options(r.s), "loadgate-writer"),
        std::move(params), Rng::stream(seed, "write-mix", v), Rng::stream(seed, "write-think", v),
        loop, recorder.shard(static_cast<std::size_t>(l)), w.writes, tracker);
  };
  return f;
}

// The background activities of one option, started at the measured start and stopped after
// the executor: the write mix, the refresher and the staleness probe (an option with a view:
// a role, never a name, decides), the timed
// steps (rollout percentages, faults) and catalog-api when the run started it. All share one
// lifecycle (background::Activity); what each did goes into the option's report at the end.
class OptionBackground {
 public:
  OptionBackground(const OptionRun& r, const option::SchemaOption& option, const OptionWorkload& w,
                   const exec::ExecutionContext& write_ctx, metrics::Recorder& recorder,
                   const Shards& shards, exec::RefreshTracker& tracker, const std::string& base_url,
                   ApiProcess* api)
      : s_(r.s),
        steps_(std::make_unique<background::StepRunner>(
            plan_steps(r.s, option, base_url, r.target.conninfo))) {
    if (r.s.writer.enabled) {
      writer_ = std::make_unique<background::WriteMix>(
          exec::make_executor(r.s.writer.executor, write_ctx), r.s.writer.executor.graceful_stop);
    }
    const OptionActivities runs = option_activities(r.s, option);
    if (runs.refresher) {
      refresher_ = std::make_unique<background::Refresher>(r.target.conninfo, option, r.s.refresher,
                                                           recorder.shard(shards.refresher()),
                                                           w.refresh, tracker, &log_);
    }
    if (runs.staleness_probe) {
      // Product 1 carries the markers: it exists in every dataset (ids are 1..N).
      probe_ = std::make_unique<background::StalenessProbe>(
          r.target.conninfo, 1, option.write_relation,
          read_relation_sql(r.s, option, option.view->relation), r.s.staleness.interval,
          r.s.staleness.poll, recorder.shard(shards.probe()), w.staleness, &log_);
    }
    // Stop order: the steps first (their undo ends a fault before the rest stops), the system
    // under test last (the others may still use it).
    for (background::Activity* a : std::initializer_list<background::Activity*>{
             steps_.get(), writer_.get(), refresher_.get(), probe_.get(), api}) {
      if (a != nullptr) activities_.push_back(a);
    }
  }

  // `offset`: this trial's measured start after the option's first trial's (0 for the first).
  void start(Nanos t0, Nanos offset) {
    t0_ = t0;
    offset_ = offset;
    for (background::Activity* a : activities_) a->start(t0);
  }

  // Asks every activity still alive how it is (each interval, at `now`). A newly dead one is
  // recorded; returns the reason to stop the run when an essential one died, else "".
  std::string check(Nanos now) {
    std::string stop;
    for (background::Activity* a : activities_) {
      if (dead_.count(a) != 0) continue;
      const background::Health h = a->health();
      if (h.alive) continue;
      dead_.insert(a);
      if (a->essential()) {
        if (stop.empty()) stop = h.problem;
      } else {
        deaths_.push_back({a->name(), h.problem, static_cast<double>(now - t0_) / 1e9});
        std::fprintf(stderr, "loadgate: the %s stopped working: %s\n", a->name().c_str(),
                     h.problem.c_str());
      }
    }
    return stop;
  }

  // Stops everything; the write mix's writes in flight get its graceful stop when the stages
  // ended as planned, none after an early stop; after an immediate one (a second signal) a
  // refresh in flight is cancelled too. What they did is added to `out` (a later trial of the
  // option adds to what the earlier ones did), its times shifted by the trial's offset.
  void stop(StopReason reason, bool at_once, results::OptionReport& out) {
    check(mono_now());  // a death in the last interval is still seen
    const background::StopMode mode{reason == StopReason::kEndOfStages, at_once};
    for (background::Activity* a : activities_) a->stop(mode);
    const double offset_s = static_cast<double>(offset_) / 1e9;
    for (auto e : steps_->events()) {
      e.at_s += offset_s;
      out.steps.push_back(std::move(e));
    }
    for (auto d : deaths_) {
      d.at_s += offset_s;
      out.activities_dead.push_back(std::move(d));
    }
    if (refresher_) {
      for (auto e : refresher_->events()) {
        e.start += offset_;
        out.refreshes.push_back(std::move(e));
      }
      out.refreshes_failed += refresher_->failed_for_good();
      out.live_sync_setup_s += static_cast<double>(refresher_->live_sync_setup()) / 1e9;
    }
    if (probe_) {
      out.staleness_markers += probe_->written();
      out.staleness_unseen += probe_->pending();
      out.staleness_write_failures += probe_->write_failures();
      out.staleness_poll_failures += probe_->poll_failures();
      if (!probe_->last_error().empty()) out.staleness_error = probe_->last_error();
      out.staleness_overdue += overdue_markers();
    }
    for (auto ev : log_.events()) {
      ev.at += offset_ - t0_;
      out.connection_events.push_back(std::move(ev));
    }
  }

 private:
  // Unseen markers that a refresh which succeeded should have shown: committed before that
  // refresh started (its snapshot is taken after its start). With the trigger strategy the
  // view is current at commit, so any marker older than a few polls is overdue.
  std::int64_t overdue_markers() const {
    std::optional<Nanos> shown_before;
    if (refresher_ && s_.refresher.strategy != scenario::RefreshStrategy::kTrigger) {
      shown_before = refresher_->last_success_start();
    } else {
      shown_before = mono_now() - t0_ - 4 * s_.staleness.poll - kNanosPerSecond;
    }
    if (!shown_before) return 0;
    std::int64_t n = 0;
    for (const Nanos committed : probe_->pending_committed()) n += committed < *shown_before;
    return n;
  }

  const scenario::Scenario& s_;
  Nanos offset_ = 0;  // this trial's start after the option's first trial's
  db::ConnectionLog log_;
  Nanos t0_ = 0;
  std::unique_ptr<background::StepRunner> steps_;
  std::unique_ptr<background::WriteMix> writer_;
  std::unique_ptr<background::Refresher> refresher_;
  std::unique_ptr<background::StalenessProbe> probe_;
  std::vector<background::Activity*> activities_;  // in stop order
  std::set<background::Activity*> dead_;
  std::vector<background::ActivityDeath> deaths_;
};

// The HTTP target's base URL of a run (nullopt for SQL). Throws InputError if unusable.
std::optional<driver::BaseUrl> base_url_of(const OptionRun& r, const HttpTarget& http) {
  if (!r.s.http_workload()) return std::nullopt;
  auto base = driver::parse_base_url(http.base_url);
  if (!base) throw InputError("http.base_url", "not a usable URL: " + http.base_url);
  return base;
}

// The server's buffer statistics through the admin connection. A server that restarted under
// the run took that connection with it: it is opened again (once), and when the statistics
// still cannot be read the option goes on without them, saying why.
std::optional<db::BufferStats> read_buffer_stats(const OptionRun& r,
                                                 results::OptionReport& out) noexcept {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (attempt > 0 || PQstatus(r.admin.raw()) != CONNECTION_OK) {
        r.admin = db::Connection::open(r.target.conninfo);
      }
      auto stats = db::buffer_stats(r.admin);
      out.buffer_stats_error.clear();
      return stats;
    } catch (const std::exception& e) {
      out.buffer_stats_error = e.what();
    }
  }
  return std::nullopt;
}

// Stops a run whose target is gone: every operation of the last `limit` of intervals failed
// with a connection error (a VU's reconnect attempts included), none succeeded.
class Unreachable {
 public:
  Unreachable(Nanos limit, const std::vector<metrics::SlotSpec>& slots) : limit_(limit) {
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].metric == "sql_duration" || slots[i].metric == "http_req_duration") {
        operations_.push_back(i);
      }
    }
  }
  // The reason to stop after this interval, or "".
  std::string interval(const exec::IntervalInfo& info, const std::vector<metrics::SlotData>& data) {
    if (limit_ <= 0) return "";
    std::int64_t ok = 0, connection = 0;
    for (const std::size_t i : operations_) {
      ok += data[i].count - data[i].errors;
      connection += data[i].by_class[error_index(ErrorClass::kConnect)];
    }
    if (ok > 0) since_.reset();
    if (ok > 0 || connection == 0) return "";
    if (!since_) since_ = info.start;
    if (info.end - *since_ < limit_) return "";
    char buf[160];
    std::snprintf(buf, sizeof buf, "the target was unreachable: only connection errors for %.1f s",
                  static_cast<double>(info.end - *since_) / 1e9);
    return buf;
  }

 private:
  Nanos limit_;
  std::vector<std::size_t> operations_;
  std::optional<Nanos> since_;
};

// Measures one trial of one option (`trial` 1-based; a run of one trial tags nothing); returns
// false when the run was stopped early. What the trial did is added to `out`.
bool measure_option(const OptionRun& r, const option::SchemaOption& option, int trial,
                    results::OptionReport& out) {
  const OptionWorkload w = make_workload(r.s, r.catalog, option, r.requests);
  exec::Engine engine(engine_threads(r.s));
  const Shards shards{static_cast<std::size_t>(engine.size())};
  metrics::Recorder recorder(w.slots, shards.count());
  const int trial_tag = r.s.trials > 1 ? trial : 0;
  const std::string trial_text = trial_tag > 0 ? std::to_string(trial) : std::string();
  if (!r.s.http_workload() && trial == 1) {
    out.plan_warnings = capture_plans(r.admin, r.catalog, option.name, w.read_statements, r.gen,
                                      r.s.dataset.seed, r.dir / "plans");
  }
  const HttpTarget http = open_http_target(r, option, std::max(1, r.s.executor.peak_vus()));
  out.base_url = http.base_url;
  const auto base_url = base_url_of(r, http);
  exec::RefreshTracker tracker;
  const VuFactories make = vu_factories(r, w, engine, recorder, tracker, base_url);
  const exec::ExecutionContext read_ctx{engine,    make.reads,       recorder,
                                        w.dropped, r.s.dataset.seed, r.stop.token()};
  const exec::ExecutionContext write_ctx{
      engine,        make.writes, recorder, w.write_dropped, r.s.dataset.seed ^ kWriterStream,
      r.stop.token()};
  auto executor = exec::make_executor(r.s.executor, read_ctx);
  OptionBackground background(r, option, w, write_ctx, recorder, shards, tracker, http.base_url,
                              http.api.get());

  std::optional<db::BufferStats> before;
  double option_start_s = 0;
  Nanos t0 = 0;
  Unreachable unreachable(r.s.invariants.unreachable_after, w.slots);
  auto on_start = [&](Nanos start) {
    before = read_buffer_stats(r, out);
    option_start_s = results::epoch_seconds_now() - r.run_start_epoch_s;
    t0 = start;
    // Trials of one option share one time axis: the first trial's measured start is 0.
    const Nanos offset =
        out.trials.empty()
            ? 0
            : static_cast<Nanos>((option_start_s - out.trials.front().start_s) * 1e9);
    out.trials.push_back({trial, option_start_s, 0, ""});
    r.agg.begin_option(option.name, w.slots, r.s.executor, trial_tag, offset);
    background.start(t0, offset);
  };
  const std::string& option_tag = option.name;
  exec::IntervalInfo last_interval;
  auto on_interval = [&](const exec::IntervalInfo& info, std::vector<metrics::SlotData>&& data) {
    last_interval = info;
    r.hlog.interval(option_tag, results::stage_tag(r.s.executor, info.stage), option_start_s, info,
                    w.slots, data, trial_text);
    r.progress.interval(info, data, static_cast<int>((tracker.read() + 1) / 2));
    const std::string gone = unreachable.interval(info, data);
    r.agg.add_interval(info, std::move(data));
    const std::string essential_died = background.check(info.end);
    if (http.api && out.target_exit.empty()) out.target_exit = http.api->exited();
    if (const std::string vu_failed = executor->failure(); !vu_failed.empty()) {
      r.stop.request_stop(StopReason::kInfraError, "a VU task failed: " + vu_failed);
    } else if (!essential_died.empty()) {
      r.stop.request_stop(StopReason::kInfraError, essential_died);
    } else if (!gone.empty()) {
      r.stop.request_stop(StopReason::kInfraError, gone);
    } else if (!r.stop.stop_requested()) {
      const std::string reason = check_abort(r.s, r.agg, info.end);
      if (!reason.empty()) r.stop.request_stop(StopReason::kAbortOnFail, reason);
    }
  };
  r.progress.begin_option(option.name, r.s.executor, w.slots);
  const std::string of_trials =
      r.s.trials > 1 ? ", trial " + std::to_string(trial) + "/" + std::to_string(r.s.trials) : "";
  std::fprintf(stderr, "measuring option %s%s: %d VUs max, %s, %d event loops\n",
               option_tag.c_str(), of_trials.c_str(), std::max(1, r.s.executor.peak_vus()),
               r.s.executor.type.c_str(), engine.size());
  const auto result = exec::conduct(*executor, r.s.executor, recorder, tracker, r.stop.token(),
                                    on_start, on_interval);
  executor.reset();  // the VUs' connections close here, which makes their backends flush stats
  r.progress.end_option();
  background.stop(result.reason, r.stop.immediate(), out);
  if (result.measured) {
    emit_tail(r, option.name, option_start_s, trial_text, w.slots, recorder, last_interval, t0);
  }
  out.interrupted_iterations += result.interrupted;
  out.planned_s += static_cast<double>(r.s.executor.total_duration()) / 1e9;
  if (result.measured) {
    const double measured_s = static_cast<double>(result.end - result.t0) / 1e9;
    out.measured_s += measured_s;
    out.trials.back().measured_s = measured_s;
    out.trials.back().stop_reason = stop_reason_name(result.reason);
  }
  out.stop_reason = stop_reason_name(result.reason);
  out.measured = out.measured || result.measured;
  engine.stop();
  if (http.api && out.target_exit.empty()) out.target_exit = http.api->exited();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  if (const auto after = before ? read_buffer_stats(r, out) : std::nullopt) {
    out.blks_hit += after->blks_hit - before->blks_hit;
    out.blks_read += after->blks_read - before->blks_read;
    // Over every trial so far: the same ratio db::hit_ratio gives for one.
    const std::int64_t blocks = out.blks_hit + out.blks_read;
    if (blocks > 0) out.buffer_hit_ratio = static_cast<double>(out.blks_hit) / blocks;
  }
  return result.reason == StopReason::kEndOfStages;
}

// Builds every option's dataset and describes it in report.options (in `options` order).
void prepare_options(const std::vector<option::SchemaOption>& options,
                     const datagen::ProductGenerator& gen, db::Connection& admin, bool rebuild,
                     const StopToken& stop, results::RunReport& report) {
  const auto build_times = build_dataset(admin, options, gen, rebuild, stop);
  for (std::size_t i = 0; i < options.size(); ++i) {
    results::OptionReport o;
    o.option = options[i].name;
    o.build = build_times[i];
    o.sizes = datagen::relation_sizes(admin, options[i]);
    report.options.push_back(std::move(o));
  }
}

// Measures each option in order, `trials` times round (A B C A B C …), until done or stopped.
void measure_all(const OptionRun& ctx, results::RunReport& report) {
  for (int trial = 1; trial <= ctx.s.trials; ++trial) {
    for (std::size_t i = 0; i < report.options.size(); ++i) {
      if (ctx.stop.stop_requested() ||
          !measure_option(ctx, ctx.options[i], trial, report.options[i])) {
        throw Interrupted();
      }
    }
  }
}

// Evaluates thresholds, writes every result file it can and prints the table, also when a file
// (or latency.hlog during the run) could not be written. Returns every write failure, each
// already said on stderr.
std::vector<std::string> finish(results::RunReport& report, const results::RunAggregate& agg,
                                results::HlogSink& hlog) {
  hlog.close();
  std::vector<std::string> failures;
  if (!hlog.error().empty()) {
    failures.push_back(hlog.error());
    // The figures are whole but the interval log is not: a baseline must not come from it.
    if (report.complete) {
      report.complete = false;
      report.incomplete_reason = hlog.error();
    }
  }
  report.series = agg.series();
  report.timeseries = agg.timeseries();
  report.out_of_range = agg.out_of_range();
  report.thresholds = gate::evaluate(report.scenario->thresholds, report.series);
  report.invariants = check_invariants(report.scenario->invariants, report.options, report.series);
  report.finished_at = results::utc_now(false);
  for (auto& f : results::write_result_files(report)) {
    std::fprintf(stderr, "loadgate: %s\n", f.c_str());
    failures.push_back(std::move(f));
  }
  std::fputs(results::format_console(report).c_str(), stdout);
  std::fflush(stdout);
  return failures;
}

// Compiles [workload.requests] so a bad template fails (exit 2) before any database work.
std::vector<workload::RequestTemplate> compile_requests(const scenario::Scenario& s) {
  std::vector<workload::RequestTemplate> out;
  for (const auto& r : s.requests) {
    out.push_back(workload::compile_request(r.name, r.method, r.path, r.body, r.expect_status, r.at,
                                            r.field));
  }
  return out;
}

// The executors' own validation (k6's executor Validate) on top of the loader's: the first
// problem, as bad input naming the section.
void check_executors(const scenario::Scenario& s) {
  for (const auto& [field, spec] :
       {std::pair{"executor", &s.executor}, std::pair{"writer", &s.writer.executor}}) {
    if (field == std::string("writer") && !s.writer.enabled) continue;
    const auto problems = exec::validate(*spec);
    if (!problems.empty()) throw InputError(field, problems.front());
  }
}

}  // namespace

std::filesystem::path default_sql_dir() {
  if (const char* env = std::getenv("LOADGATE_SQL_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(LOADGATE_SOURCE_DIR) / "sql";
}

std::vector<option::SchemaOption> load_options(
    const std::filesystem::path& sql_dir, const std::vector<std::filesystem::path>& options_dirs) {
  std::vector<std::filesystem::path> roots{sql_dir / "options"};
  roots.insert(roots.end(), options_dirs.begin(), options_dirs.end());
  return option::discover(roots);
}

scenario::KnownOptions known_options(const std::vector<option::SchemaOption>& options,
                                     const workload::Catalog& catalog) {
  scenario::KnownOptions known;
  known.options = options;
  for (const auto& o : options) {
    const auto queries = catalog.names(o.name);
    const auto writes = catalog.write_names(o.name);
    known.queries[o.name] = {queries.begin(), queries.end()};
    known.writes[o.name] = {writes.begin(), writes.end()};
  }
  return known;
}

int execute_run(const RunOptions& options, StopSource& stop) {
  // The options are loaded once; everything below receives them (roles), never a name to test.
  // The scenario's own options folders are read first: its option names are checked against them.
  auto dirs = options.options_dirs;
  for (auto& d : scenario::scenario_option_dirs(options.scenario_file)) dirs.push_back(d);
  const auto available = load_options(options.sql_dir, dirs);
  const auto catalog = workload::Catalog::load(available);
  auto s = scenario::load_scenario(options.scenario_file, known_options(available, catalog));
  const auto selected = option::select(available, s.database.options, "database.options");
  if (options.trials > 0) s.trials = options.trials;
  const auto requests = compile_requests(s);
  check_executors(s);
  // A results folder that cannot be written fails now, in a second, not after the dataset
  // build and the whole run.
  probe_writable_dir(options.results_dir);
  // Every VU holds a socket: the soft descriptor limit (often 1,024) goes up to the hard one.
  const long fd_limit = exec::Engine::raise_fd_limit();
  const int writers_peak = s.writer.enabled ? s.writer.executor.peak_vus() : 0;
  if (fd_limit > 0 && s.executor.peak_vus() + writers_peak + 64 > fd_limit) {
    std::fprintf(stderr,
                 "loadgate: warning: %d VUs need more sockets than the file-descriptor limit "
                 "(%ld); raise it with ulimit -Hn\n",
                 s.executor.peak_vus() + writers_peak, fd_limit);
  }

  results::RunReport report;
  report.scenario = &s;
  report.started_at = results::utc_now(false);
  report.run_id = results::utc_now(true) + "-" + s.name;
  report.dir = options.results_dir / report.run_id;

  TargetOptions topts = options.target;
  if (topts.dsn.empty()) topts.dsn = s.database.dsn;
  topts.settings = s.database.settings;
  const int writers = s.writer.enabled ? s.writer.executor.peak_vus() : 0;
  topts.max_connections =
      (s.http_workload() ? (s.http.catalog_api ? s.http.api_pool : 0) : s.executor.peak_vus()) +
      writers + 16;
  Target target = open_target(topts);
  report.target = target.display;
  auto admin = db::Connection::open(target.conninfo);
  check_capacity(admin, s);
  check_disk(target, s, selected);
  report.environment = db::capture_environment(admin);
  report.environment["target"] = target.display;
  // Short: every run pays it. 0.2 s of CPU loop and 0.3 s of statements tell two machines of
  // one type apart at the ~30% that misleads a gate (issue 14), not at 1%.
  report.environment["calibration"] =
      db::to_json(db::calibrate(admin, 200 * kNanosPerMilli, 300 * kNanosPerMilli));

  const datagen::ProductGenerator gen(s.dataset.seed, s.dataset.products);
  results::RunAggregate agg;
  std::error_code ec;
  std::filesystem::create_directories(report.dir, ec);
  if (ec) throw InfraError(write_error(report.dir, ec.value()));
  const double run_start_epoch_s = results::epoch_seconds_now();
  results::HlogSink hlog(report.dir / "latency.hlog", run_start_epoch_s);
  results::ProgressLine progress(stderr, isatty(STDERR_FILENO) != 0);
  std::string failure;
  try {
    prepare_options(selected, gen, admin, options.rebuild, stop.token(), report);
    measure_all(OptionRun{s, selected, catalog, requests, gen, target, admin, agg, report.dir, hlog,
                          run_start_epoch_s, progress, stop},
                report);
  } catch (const Interrupted&) {
    report.complete = false;
    report.incomplete_reason =
        stop.reason() == StopReason::kAbortOnFail || stop.reason() == StopReason::kInfraError
            ? stop.detail()
            : "interrupted";
    if (stop.immediate()) report.incomplete_reason += "; stopped at once by a second signal";
  } catch (const std::exception& e) {
    report.complete = false;
    report.incomplete_reason = failure = e.what();
  }
  const auto unwritten = finish(report, agg, hlog);
  announce_kept(target);
  if (!failure.empty()) throw InfraError("run cut short: " + failure);
  if (!unwritten.empty()) {
    throw InfraError("results incomplete: " + std::to_string(unwritten.size()) +
                     " file(s) could not be written in " + report.dir.string());
  }
  if (stop.reason() == StopReason::kInfraError) throw InfraError("run cut short: " + stop.detail());
  if (stop.reason() == StopReason::kAbortOnFail) return static_cast<int>(ExitCode::kThresholds);
  if (!report.complete) return static_cast<int>(ExitCode::kInterrupted);
  return static_cast<int>(report.verdict() == "pass" ? ExitCode::kOk : ExitCode::kThresholds);
}

}  // namespace lg::run
