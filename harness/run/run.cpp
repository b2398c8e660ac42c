#include "harness/run/run.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "datagen/schema.hpp"
#include "harness/background/refresher.hpp"
#include "harness/background/staleness_probe.hpp"
#include "harness/background/steps.hpp"
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
#include "harness/run/plans.hpp"
#include "harness/run/steps_plan.hpp"
#include "harness/run/workload_layout.hpp"
#include "harness/scenario/model.hpp"
#include "harness/workload/request_template.hpp"

namespace lg::run {
namespace {

constexpr std::uint64_t kWriterStream = 1'000'000;

struct OptionRun {
  const scenario::Scenario& s;
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

HttpTarget open_http_target(const OptionRun& r, char option, int max_vus) {
  HttpTarget t;
  if (!r.s.http_workload()) return t;
  if (!r.s.http.catalog_api) {
    t.base_url = r.s.http.base_url;
    return t;
  }
  ApiOptions o;
  o.conninfo = r.target.conninfo;
  o.option = option;
  o.pool = r.s.http.api_pool;
  o.threads = max_vus + 8;  // one server thread per keep-alive connection, plus admin calls
  o.mv_rollout_percent = r.s.http.mv_rollout_percent;
  o.log = r.dir / ("catalog-api-" + std::string(1, option) + ".log");
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
void emit_tail(const OptionRun& r, char option, double option_start_s,
               const std::vector<metrics::SlotSpec>& slots, metrics::Recorder& recorder,
               const exec::IntervalInfo& last, Nanos t0) {
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
  r.hlog.interval(std::string(1, option), results::stage_tag(r.s.executor, tail.stage),
                  option_start_s, tail, slots, data);
  r.agg.add_interval(tail, std::move(data));
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
      drv = std::make_unique<driver::PgDriver>(loop, r.target.conninfo, w.read_statements);
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
        std::make_unique<driver::PgDriver>(loop, r.target.conninfo, w.write_statements),
        std::move(params), Rng::stream(seed, "write-mix", v), Rng::stream(seed, "write-think", v),
        loop, recorder.shard(static_cast<std::size_t>(l)), w.writes, tracker);
  };
  return f;
}

// The background activities of one option, started at the measured start and stopped after
// the executor: the write mix, the refresher and the staleness probe (option C), and the timed
// steps (rollout percentages, faults).
class OptionBackground {
 public:
  OptionBackground(const OptionRun& r, char option, const OptionWorkload& w,
                   const exec::ExecutionContext& write_ctx, metrics::Recorder& recorder,
                   const Shards& shards, exec::RefreshTracker& tracker, const std::string& base_url)
      : s_(r.s), steps_(plan_steps(r.s, option, base_url, r.target.conninfo)) {
    if (r.s.writer.enabled) {
      writer_ = exec::make_executor(r.s.writer.executor, write_ctx);
      writer_->open();
    }
    if (option == 'C' && r.s.refresher.enabled) {
      refresher_ = std::make_unique<background::Refresher>(
          r.target.conninfo, r.s.refresher, recorder.shard(shards.refresher()), w.refresh, tracker);
    }
    if (option == 'C' && r.s.staleness.enabled) {
      // Product 1 carries the markers: it exists in every dataset (ids are 1..N).
      probe_ = std::make_unique<background::StalenessProbe>(
          r.target.conninfo, 1, read_relation_sql(r.s, option, "loadgate_c.mv_product_search"),
          r.s.staleness.interval, r.s.staleness.poll, recorder.shard(shards.probe()), w.staleness);
    }
  }

  void start(Nanos t0) {
    if (refresher_) refresher_->start(t0);
    if (writer_) writer_->begin(t0, true);
    if (probe_) probe_->start(t0);
    steps_.start(t0);
  }

  // Stops everything; the write mix's writes in flight get its graceful stop when the stages
  // ended as planned, none after an early stop. What they did goes into `out`.
  void stop(StopReason reason, results::OptionReport& out) {
    steps_.stop();
    out.steps = steps_.events();
    if (writer_) {
      writer_->stop(reason == StopReason::kEndOfStages
                        ? mono_now() + s_.writer.executor.graceful_stop
                        : mono_now());
    }
    if (refresher_) {
      refresher_->stop();
      out.refreshes = refresher_->events();
      out.live_sync_setup_s = static_cast<double>(refresher_->live_sync_setup()) / 1e9;
    }
    if (probe_) {
      probe_->stop();
      out.staleness_markers = probe_->written();
      out.staleness_unseen = probe_->pending();
    }
  }

 private:
  const scenario::Scenario& s_;
  background::StepRunner steps_;
  std::unique_ptr<exec::Executor> writer_;
  std::unique_ptr<background::Refresher> refresher_;
  std::unique_ptr<background::StalenessProbe> probe_;
};

// The HTTP target's base URL of a run (nullopt for SQL). Throws InputError if unusable.
std::optional<driver::BaseUrl> base_url_of(const OptionRun& r, const HttpTarget& http) {
  if (!r.s.http_workload()) return std::nullopt;
  auto base = driver::parse_base_url(http.base_url);
  if (!base) throw InputError("http.base_url", "not a usable URL: " + http.base_url);
  return base;
}

// Measures one option; returns false when the run was stopped early.
bool measure_option(const OptionRun& r, char option, results::OptionReport& out) {
  const OptionWorkload w = make_workload(r.s, r.catalog, option, r.requests);
  exec::Engine engine(engine_threads(r.s));
  const Shards shards{static_cast<std::size_t>(engine.size())};
  metrics::Recorder recorder(w.slots, shards.count());
  if (!r.s.http_workload()) {
    out.plan_warnings = capture_plans(r.admin, r.catalog, option, w.read_statements, r.gen,
                                      r.s.dataset.seed, r.dir / "plans");
  }
  const HttpTarget http = open_http_target(r, option, std::max(1, r.s.executor.peak_vus()));
  out.base_url = http.base_url;
  const auto base_url = base_url_of(r, http);
  exec::RefreshTracker tracker;
  const VuFactories make = vu_factories(r, w, engine, recorder, tracker, base_url);
  const exec::ExecutionContext read_ctx{engine, make.reads, recorder, w.dropped, r.s.dataset.seed};
  const exec::ExecutionContext write_ctx{engine, make.writes, recorder, w.write_dropped,
                                         r.s.dataset.seed ^ kWriterStream};
  auto executor = exec::make_executor(r.s.executor, read_ctx);
  OptionBackground background(r, option, w, write_ctx, recorder, shards, tracker, http.base_url);

  db::BufferStats before;
  double option_start_s = 0;
  Nanos t0 = 0;
  auto on_start = [&](Nanos start) {
    before = db::buffer_stats(r.admin);
    option_start_s = results::epoch_seconds_now() - r.run_start_epoch_s;
    t0 = start;
    tracker.snapshot_at.store(t0);
    background.start(t0);
  };
  const std::string option_tag(1, option);
  exec::IntervalInfo last_interval;
  auto on_interval = [&](const exec::IntervalInfo& info, std::vector<metrics::SlotData>&& data) {
    last_interval = info;
    r.hlog.interval(option_tag, results::stage_tag(r.s.executor, info.stage), option_start_s, info,
                    w.slots, data);
    r.progress.interval(info, data, static_cast<int>((tracker.read() + 1) / 2));
    r.agg.add_interval(info, std::move(data));
    if (!r.stop.stop_requested()) {
      const std::string reason = check_abort(r.s, r.agg, info.end);
      if (!reason.empty()) r.stop.request_stop(StopReason::kAbortOnFail, reason);
    }
  };
  r.agg.begin_option(option, w.slots, r.s.executor);
  r.progress.begin_option(option, r.s.executor, w.slots);
  std::fprintf(stderr, "measuring option %c: %d VUs max, %s, %d event loops\n", option,
               std::max(1, r.s.executor.peak_vus()), r.s.executor.type.c_str(), engine.size());
  const auto result = exec::conduct(*executor, r.s.executor, recorder, tracker, r.stop.token(),
                                    on_start, on_interval);
  executor.reset();  // the VUs' connections close here, which makes their backends flush stats
  r.progress.end_option();
  background.stop(result.reason, out);
  if (result.measured) emit_tail(r, option, option_start_s, w.slots, recorder, last_interval, t0);
  out.interrupted_iterations = result.interrupted;
  out.planned_s = static_cast<double>(r.s.executor.total_duration()) / 1e9;
  if (result.measured) out.measured_s = static_cast<double>(result.end - result.t0) / 1e9;
  out.stop_reason = stop_reason_name(result.reason);
  out.measured = result.measured;
  engine.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto after = db::buffer_stats(r.admin);
  out.blks_hit = after.blks_hit - before.blks_hit;
  out.blks_read = after.blks_read - before.blks_read;
  out.buffer_hit_ratio = db::hit_ratio(before, after);
  return result.reason == StopReason::kEndOfStages;
}

// Builds every option's dataset and describes it in report.options.
void prepare_options(const scenario::Scenario& s, const datagen::ProductGenerator& gen,
                     db::Connection& admin, const std::filesystem::path& sql_dir, bool rebuild,
                     const StopToken& stop, results::RunReport& report) {
  const auto build_times = build_dataset(admin, s.database.options, gen, sql_dir, rebuild, stop);
  for (std::size_t i = 0; i < s.database.options.size(); ++i) {
    results::OptionReport o;
    o.option = s.database.options[i];
    o.build = build_times[i];
    o.sizes = datagen::relation_sizes(admin, o.option);
    report.options.push_back(std::move(o));
  }
}

// Measures each option in order until done or stopped.
void measure_all(const OptionRun& ctx, results::RunReport& report) {
  for (auto& o : report.options) {
    if (ctx.stop.stop_requested() || !measure_option(ctx, o.option, o)) throw Interrupted();
  }
}

// Evaluates thresholds, writes every result file and prints the table.
void finish(results::RunReport& report, const results::RunAggregate& agg) {
  report.series = agg.series();
  report.timeseries = agg.timeseries();
  report.out_of_range = agg.out_of_range();
  report.thresholds = gate::evaluate(report.scenario->thresholds, report.series);
  report.finished_at = results::utc_now(false);
  results::write_all(report);
  std::fputs(results::format_console(report).c_str(), stdout);
  std::fflush(stdout);
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

int execute_run(const RunOptions& options, StopSource& stop) {
  const auto catalog = workload::Catalog::load(options.sql_dir);
  const auto s = scenario::load_scenario(options.scenario_file, catalog.common_names(),
                                         catalog.common_write_names());
  const auto requests = compile_requests(s);
  check_executors(s);
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
  report.environment = db::capture_environment(admin);
  report.environment["target"] = target.display;

  const datagen::ProductGenerator gen(s.dataset.seed, s.dataset.products);
  results::RunAggregate agg;
  std::error_code ec;
  std::filesystem::create_directories(report.dir, ec);
  if (ec) throw InfraError("cannot create " + report.dir.string() + ": " + ec.message());
  const double run_start_epoch_s = results::epoch_seconds_now();
  results::HlogSink hlog(report.dir / "latency.hlog", run_start_epoch_s);
  results::ProgressLine progress(stderr, isatty(STDERR_FILENO) != 0);
  std::string failure;
  try {
    prepare_options(s, gen, admin, options.sql_dir, options.rebuild, stop.token(), report);
    measure_all(OptionRun{s, catalog, requests, gen, target, admin, agg, report.dir, hlog,
                          run_start_epoch_s, progress, stop},
                report);
  } catch (const Interrupted&) {
    report.complete = false;
    report.incomplete_reason =
        stop.reason() == StopReason::kAbortOnFail ? stop.detail() : "interrupted";
  } catch (const std::exception& e) {
    report.complete = false;
    report.incomplete_reason = failure = e.what();
  }
  finish(report, agg);
  announce_kept(target);
  if (!failure.empty()) throw InfraError("run cut short: " + failure);
  if (stop.reason() == StopReason::kAbortOnFail) return static_cast<int>(ExitCode::kThresholds);
  if (!report.complete) return static_cast<int>(ExitCode::kInterrupted);
  return static_cast<int>(report.thresholds_passed() ? ExitCode::kOk : ExitCode::kThresholds);
}

}  // namespace lg::run
