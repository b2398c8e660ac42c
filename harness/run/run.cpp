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
#include "harness/exec/arrival_rate.hpp"
#include "harness/exec/background_rate.hpp"
#include "harness/exec/ramping_vus.hpp"
#include "harness/results/hlog_sink.hpp"
#include "harness/results/progress.hpp"
#include "harness/results/report.hpp"
#include "harness/run/api_process.hpp"
#include "harness/run/dataset.hpp"
#include "harness/run/plans.hpp"
#include "harness/run/steps_plan.hpp"
#include "harness/scenario/model.hpp"
#include "harness/workload/request_template.hpp"

namespace lg::run {
namespace {

constexpr std::uint64_t kWriterStream = 1'000'000;

// Slot layout of one option's recorder: per read mix entry and read source, *_duration and
// *_service_time, each outside/during a refresh (exec::kSlotsPerSource); the reads' schedule
// lag and dropped iterations; the same for each write of the write mix; then the refresher's,
// the staleness probe's and the view-age slots.
struct Layout {
  std::vector<metrics::SlotSpec> slots;
  std::size_t sources = 1;
  metrics::SlotId schedule_lag = 0;
  metrics::SlotId dropped = 0;
  std::vector<metrics::SlotId> writes;  ///< first slot of each [writer.mix] entry
  metrics::SlotId write_lag = 0;
  metrics::SlotId write_dropped = 0;
  metrics::SlotId refresh = 0;
  metrics::SlotId staleness = 0;
  metrics::SlotId view_age = 0;
};

metrics::SlotId add_slot(Layout& l, std::string metric, metrics::MetricKind kind, Tags tags) {
  l.slots.push_back({std::move(metric), kind, make_tags(std::move(tags))});
  return static_cast<metrics::SlotId>(l.slots.size() - 1);
}

// One mix entry's slots in the order exec::MixItem::slot expects.
void add_entry_slots(Layout& l, const char* prefix, const Tags& base, std::size_t sources) {
  for (std::size_t src = 0; src < sources; ++src) {
    const auto source = driver::read_source_name(static_cast<driver::ReadSource>(src));
    for (const char* suffix : {"_duration", "_service_time"}) {
      for (const char* phase : {"false", "true"}) {
        Tags tags = base;
        tags.emplace_back("during_refresh", phase);
        if (*source != '\0') tags.emplace_back("read_source", source);
        add_slot(l, std::string(prefix) + suffix, metrics::MetricKind::kTrend, std::move(tags));
      }
    }
  }
}

Layout make_layout(const scenario::Scenario& s) {
  Layout l;
  if (s.http_workload()) {
    l.sources = driver::kReadSources;
    for (const auto& r : s.requests) {
      add_entry_slots(l, "http_req",
                      {{"request", r.name}, {"kind", r.method == "GET" ? "read" : "write"}},
                      l.sources);
    }
  } else {
    for (const auto& m : s.mix) {
      add_entry_slots(l, "sql", {{"query", m.query}, {"kind", "read"}}, l.sources);
    }
  }
  l.schedule_lag = add_slot(l, "schedule_lag", metrics::MetricKind::kTrend, {{"kind", "read"}});
  l.dropped = add_slot(l, "dropped_iterations", metrics::MetricKind::kCounter, {{"kind", "read"}});
  if (s.writer.enabled) {
    for (const auto& w : s.writer.mix) {
      l.writes.push_back(static_cast<metrics::SlotId>(l.slots.size()));
      add_entry_slots(l, "sql", {{"query", w.query}, {"kind", "write"}}, 1);
    }
    l.write_lag = add_slot(l, "schedule_lag", metrics::MetricKind::kTrend, {{"kind", "write"}});
    l.write_dropped =
        add_slot(l, "dropped_iterations", metrics::MetricKind::kCounter, {{"kind", "write"}});
  }
  l.refresh = add_slot(l, "mv_refresh_duration", metrics::MetricKind::kTrend, {});
  l.staleness = add_slot(l, "mv_staleness", metrics::MetricKind::kTrend, {});
  l.view_age = add_slot(l, "mv_age", metrics::MetricKind::kTrend, {});
  return l;
}

// Option C under the trigger strategy reads the trigger-maintained table instead of the view:
// the same columns and indexes, so the query text differs only in the relation it names.
std::string read_relation_sql(const scenario::Scenario& s, char option, std::string sql) {
  if (option != 'C' || !s.refresher.enabled ||
      s.refresher.strategy != scenario::RefreshStrategy::kTrigger) {
    return sql;
  }
  static const std::string kView = "loadgate_c.mv_product_search";
  static const std::string kLive = "loadgate_c.product_search_live";
  for (auto at = sql.find(kView); at != std::string::npos; at = sql.find(kView, at)) {
    sql.replace(at, kView.size(), kLive);
  }
  return sql;
}

// Whether option C's reads see the view (or the trigger strategy's read table), so each read
// records the age of what it saw.
bool reads_view(char option) { return option == 'C'; }

// The write mix of one option: its statements (appended to `statements`) and weighted items.
exec::MixPlan make_write_mix(const scenario::Scenario& s, const workload::Catalog& catalog,
                             char option, const Layout& layout,
                             std::vector<driver::Statement>& statements) {
  exec::MixPlan plan;
  plan.schedule_lag = layout.write_lag;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < s.writer.mix.size(); ++i) {
    const workload::QuerySpec& w = catalog.write(option, s.writer.mix[i].query);
    statements.push_back({w.name, w.sql});
    cumulative += static_cast<std::uint64_t>(s.writer.mix[i].weight);
    plan.items.push_back({&w, i, cumulative, layout.writes[i]});
  }
  return plan;
}

// The option's mix: SQL queries (their statements appended to `statements`) or the compiled
// HTTP requests, in scenario order.
exec::MixPlan make_mix(const scenario::Scenario& s, const workload::Catalog& catalog, char option,
                       const Layout& layout, const std::vector<workload::RequestTemplate>& requests,
                       std::vector<driver::Statement>& statements) {
  exec::MixPlan plan;
  plan.schedule_lag = layout.schedule_lag;
  plan.sources = layout.sources;
  const auto per_entry = static_cast<metrics::SlotId>(exec::kSlotsPerSource * layout.sources);
  std::uint64_t cumulative = 0;
  const std::size_t n = s.http_workload() ? requests.size() : s.mix.size();
  for (std::size_t i = 0; i < n; ++i) {
    const workload::QuerySpec* params = nullptr;
    if (s.http_workload()) {
      params = &requests[i].params;
      cumulative += static_cast<std::uint64_t>(s.requests[i].weight);
    } else {
      params = &catalog.query(option, s.mix[i].query);
      statements.push_back({params->name, read_relation_sql(s, option, params->sql)});
      cumulative += static_cast<std::uint64_t>(s.mix[i].weight);
    }
    plan.items.push_back({params, i, cumulative, static_cast<metrics::SlotId>(per_entry * i)});
  }
  if (reads_view(option)) plan.view_age = layout.view_age;
  return plan;
}

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
  std::string& abort_reason;  ///< set when an abort_on_fail threshold stopped the run
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

// Measures one option; returns false when interrupted.
bool measure_option(const OptionRun& r, char option, results::OptionReport& out) {
  const Layout layout = make_layout(r.s);
  const int max_vus = std::max(1, r.s.executor.peak_vus());
  const int max_writers = r.s.writer.enabled ? r.s.writer.executor.peak_vus() : 0;
  // Shards: one per VU, then the refresher, the write mix's dispatcher, the open model's
  // dispatcher, the staleness probe, and one per writer VU.
  const auto shard_of_refresher = static_cast<std::size_t>(max_vus);
  const auto first_writer_shard = shard_of_refresher + 4;
  metrics::Recorder recorder(layout.slots,
                             first_writer_shard + static_cast<std::size_t>(max_writers));
  std::vector<driver::Statement> statements, write_statements;
  const exec::MixPlan mix = make_mix(r.s, r.catalog, option, layout, r.requests, statements);
  exec::MixPlan write_mix;
  if (r.s.writer.enabled) {
    write_mix = make_write_mix(r.s, r.catalog, option, layout, write_statements);
  }
  if (!r.s.http_workload()) {
    out.plan_warnings = capture_plans(r.admin, r.catalog, option, statements, r.gen,
                                      r.s.dataset.seed, r.dir / "plans");
  }
  const HttpTarget http = open_http_target(r, option, max_vus);
  out.base_url = http.base_url;

  exec::RefreshTracker tracker;
  // Same streams on every option: VU v draws the same queries and parameters on A, B and C.
  const exec::VuFactory make_vu = [&](std::size_t v) {
    std::unique_ptr<driver::Driver> drv;
    if (r.s.http_workload()) {
      drv = std::make_unique<driver::HttpDriver>(*driver::parse_base_url(http.base_url),
                                                 r.s.http.timeout, r.requests);
    } else {
      drv = std::make_unique<driver::PgDriver>(r.target.conninfo, statements);
    }
    return std::make_unique<exec::Vu>(
        std::move(drv), workload::ParamGenerator(r.gen, r.s.dataset.seed, v),
        Rng::stream(r.s.dataset.seed, "mix", v), recorder.shard(v), mix, tracker);
  };
  background::StepRunner steps(plan_steps(r.s, option, http.base_url, r.target.conninfo));
  std::unique_ptr<background::Refresher> refresher;
  if (option == 'C' && r.s.refresher.enabled) {
    refresher = std::make_unique<background::Refresher>(r.target.conninfo, r.s.refresher,
                                                        recorder.shard(shard_of_refresher),
                                                        layout.refresh, tracker);
  }
  // Writer VU w draws from its own stream and inserts ids N+1+w, N+1+w+max_writers, ...: the
  // same writes on every option, and no two writer VUs ever insert the same id.
  const exec::VuFactory make_writer = [&](std::size_t w) {
    workload::ParamGenerator params(r.gen, r.s.dataset.seed, kWriterStream + w);
    params.set_insert_lane(r.gen.count() + 1 + static_cast<std::int64_t>(w), max_writers);
    return std::make_unique<exec::Vu>(
        std::make_unique<driver::PgDriver>(r.target.conninfo, write_statements), std::move(params),
        Rng::stream(r.s.dataset.seed, "write-mix", w), recorder.shard(first_writer_shard + w),
        write_mix, tracker);
  };
  std::unique_ptr<exec::BackgroundArrivalRate> writer;
  if (r.s.writer.enabled) {
    writer = std::make_unique<exec::BackgroundArrivalRate>(
        r.s.writer.executor, r.s.dataset.seed ^ kWriterStream, make_writer,
        recorder.shard(shard_of_refresher + 1), layout.write_dropped);
  }

  std::unique_ptr<background::StalenessProbe> probe;
  if (option == 'C' && r.s.staleness.enabled) {
    // Product 1 carries the markers: it exists in every dataset (ids are 1..N).
    probe = std::make_unique<background::StalenessProbe>(
        r.target.conninfo, 1, read_relation_sql(r.s, option, "loadgate_c.mv_product_search"),
        r.s.staleness.interval, r.s.staleness.poll, recorder.shard(shard_of_refresher + 3),
        layout.staleness);
  }

  db::BufferStats before;
  double option_start_s = 0;
  Nanos t0 = 0;
  auto on_start = [&] {
    before = db::buffer_stats(r.admin);
    option_start_s = results::epoch_seconds_now() - r.run_start_epoch_s;
    t0 = mono_now();
    tracker.snapshot_at.store(t0);
    if (refresher) refresher->start(t0);
    if (writer) writer->start(t0);
    if (probe) probe->start(t0);
    steps.start(t0);
  };
  const std::string option_tag(1, option);
  exec::IntervalInfo last_interval;
  auto on_interval = [&](const exec::IntervalInfo& info, std::vector<metrics::SlotData>&& data) {
    last_interval = info;
    r.hlog.interval(option_tag, results::stage_tag(r.s.executor, info.stage), option_start_s, info,
                    layout.slots, data);
    r.progress.interval(info, data, static_cast<int>((tracker.read() + 1) / 2));
    r.agg.add_interval(info, std::move(data));
    if (r.abort_reason.empty()) {
      r.abort_reason = check_abort(r.s, r.agg, info.end);
      if (!r.abort_reason.empty()) exec::interrupt_flag().store(true);
    }
  };
  r.agg.begin_option(option, layout.slots, r.s.executor);
  r.progress.begin_option(option, r.s.executor, layout.slots);
  std::fprintf(stderr, "measuring option %c: %d VUs max, %s\n", option, max_vus,
               r.s.executor.type.c_str());
  bool completed = false;
  if (r.s.executor.open_model()) {
    exec::ArrivalRateExecutor executor(r.s.executor, r.s.dataset.seed,
                                       recorder.shard(shard_of_refresher + 2), layout.dropped);
    completed = executor.run(make_vu, recorder, tracker, on_start, on_interval);
  } else {
    std::vector<std::unique_ptr<exec::Vu>> vus;
    for (int v = 0; v < max_vus; ++v) vus.push_back(make_vu(static_cast<std::size_t>(v)));
    completed =
        exec::RampingVusExecutor(r.s.executor).run(vus, recorder, tracker, on_start, on_interval);
  }  // the VUs' connections close here, which makes their backends flush statistics
  r.progress.end_option();
  steps.stop();
  out.steps = steps.events();
  if (writer) writer->stop();
  if (refresher) refresher->stop();
  if (probe) {
    probe->stop();
    out.staleness_markers = probe->written();
    out.staleness_unseen = probe->pending();
  }
  if (refresher) {
    out.refreshes = refresher->events();
    out.live_sync_setup_s = static_cast<double>(refresher->live_sync_setup()) / 1e9;
  }
  // A refresh (or write) still running when the executor stopped finished after its last
  // interval: what it recorded is the run's tail, emitted as one more interval.
  if (t0 != 0) {
    exec::IntervalInfo tail = last_interval;
    tail.start = last_interval.end;
    tail.end = std::max(tail.start, mono_now() - t0);
    tail.vus = 0;
    tail.refresh_in_flight = false;
    auto data = recorder.collect();
    bool any = false;
    for (const auto& d : data) any = any || d.count != 0;
    if (any) {
      r.hlog.interval(option_tag, results::stage_tag(r.s.executor, tail.stage), option_start_s,
                      tail, layout.slots, data);
      r.agg.add_interval(tail, std::move(data));
    }
  }
  refresher.reset();
  writer.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto after = db::buffer_stats(r.admin);
  out.blks_hit = after.blks_hit - before.blks_hit;
  out.blks_read = after.blks_read - before.blks_read;
  out.buffer_hit_ratio = db::hit_ratio(before, after);
  out.measured = true;
  return completed;
}

// Builds every option's dataset and describes it in report.options.
void prepare_options(const scenario::Scenario& s, const datagen::ProductGenerator& gen,
                     db::Connection& admin, const std::filesystem::path& sql_dir, bool rebuild,
                     results::RunReport& report) {
  const auto build_times = build_dataset(admin, s.database.options, gen, sql_dir, rebuild);
  for (std::size_t i = 0; i < s.database.options.size(); ++i) {
    results::OptionReport o;
    o.option = s.database.options[i];
    o.build = build_times[i];
    o.sizes = datagen::relation_sizes(admin, o.option);
    report.options.push_back(std::move(o));
  }
}

// Measures each option in order until done or interrupted.
void measure_all(const OptionRun& ctx, results::RunReport& report) {
  for (auto& o : report.options) {
    if (exec::interrupt_flag().load() || !measure_option(ctx, o.option, o)) {
      throw Interrupted();
    }
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

}  // namespace

std::filesystem::path default_sql_dir() {
  if (const char* env = std::getenv("LOADGATE_SQL_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(LOADGATE_SOURCE_DIR) / "sql";
}

int execute_run(const RunOptions& options) {
  const auto catalog = workload::Catalog::load(options.sql_dir);
  const auto s = scenario::load_scenario(options.scenario_file, catalog.common_names(),
                                         catalog.common_write_names());
  const auto requests = compile_requests(s);

  results::RunReport report;
  report.scenario = &s;
  report.started_at = results::utc_now(false);
  report.run_id = results::utc_now(true) + "-" + s.name;
  report.dir = options.results_dir / report.run_id;

  TargetOptions topts = options.target;
  if (topts.dsn.empty()) topts.dsn = s.database.dsn;
  topts.settings = s.database.settings;
  topts.max_connections =
      (s.http_workload() ? (s.http.catalog_api ? s.http.api_pool : 0) : s.executor.peak_vus()) + 16;
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
  std::string failure, abort_reason;
  try {
    prepare_options(s, gen, admin, options.sql_dir, options.rebuild, report);
    measure_all(OptionRun{s, catalog, requests, gen, target, admin, agg, report.dir, hlog,
                          run_start_epoch_s, progress, abort_reason},
                report);
  } catch (const Interrupted&) {
    report.complete = false;
    report.incomplete_reason = abort_reason.empty() ? "interrupted" : abort_reason;
  } catch (const std::exception& e) {
    report.complete = false;
    report.incomplete_reason = failure = e.what();
  }
  finish(report, agg);
  announce_kept(target);
  if (!failure.empty()) throw InfraError("run cut short: " + failure);
  if (!abort_reason.empty()) return static_cast<int>(ExitCode::kThresholds);
  if (!report.complete) return static_cast<int>(ExitCode::kInterrupted);
  return static_cast<int>(report.thresholds_passed() ? ExitCode::kOk : ExitCode::kThresholds);
}

}  // namespace lg::run
