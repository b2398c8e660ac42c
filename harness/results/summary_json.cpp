#include "harness/core/duration.hpp"
#include "harness/core/files.hpp"
#include "harness/results/report.hpp"
#include "harness/results/stats.hpp"
#include "harness/results/trials.hpp"
#include "harness/scenario/think_time.hpp"

namespace lg::results {
namespace {

using nlohmann::json;

// The write mix as configured: its executor (rates per second) and weights.
json writer_json(const scenario::WriterSpec& w) {
  const double per_s = 1e9 / static_cast<double>(w.executor.time_unit);
  json stages = json::array();
  for (const auto& st : w.executor.stages) {
    stages.push_back(
        {{"duration", format_duration(st.duration)}, {"rate_per_s", st.target * per_s}});
  }
  json mix = json::object();
  for (const auto& m : w.mix) mix[m.query] = m.weight;
  return {{"type", w.executor.type},
          {"start_rate_per_s", w.executor.start_rate * per_s},
          {"stages", stages},
          {"max_vus", w.executor.max_vus},
          {"mix", mix}};
}

json scenario_json(const scenario::Scenario& s) {
  json stages = json::array();
  for (std::size_t i = 0; i < s.executor.stages.size(); ++i) {
    const auto& st = s.executor.stages[i];
    stages.push_back({{"duration", format_duration(st.duration)},
                      {"target", st.target},
                      {"tag", stage_tag(s.executor, i)}});
  }
  json mix = json::object();
  for (const auto& m : s.mix) mix[m.query] = m.weight;
  json requests = json::object();
  for (const auto& q : s.requests) {
    requests[q.name] = {{"method", q.method}, {"path", q.path}, {"weight", q.weight}};
  }
  json journeys = json::object();
  for (const auto& j : s.journeys) {
    json steps = json::array();
    for (const auto& st : j.steps) {
      json step = {
          {st.query.empty() ? "request" : "query", st.query.empty() ? st.request : st.query}};
      if (st.think.kind != scenario::ThinkTime::Kind::kNone) step["think"] = to_string(st.think);
      steps.push_back(step);
    }
    journeys[j.name] = {{"weight", j.weight}, {"steps", steps}};
  }
  json options = json::array();
  for (const auto& o : s.database.options) options.push_back(o);
  json thresholds = json::object();
  for (const auto& t : s.thresholds) thresholds[t.selector].push_back(t.source);
  return {{"name", s.name},
          {"description", s.description},
          {"file", s.file.string()},
          {"dataset", {{"products", s.dataset.products}, {"seed", s.dataset.seed}}},
          {"database", {{"options", options}}},
          {"workload", {{"mix", mix}, {"requests", requests}, {"journeys", journeys}}},
          {"engine", {{"threads", s.engine.threads}}},
          {"executor",
           {{"type", s.executor.type},
            {"warmup", format_duration(s.executor.warmup)},
            {"start_vus", s.executor.start_vus},
            {"stages", stages}}},
          {"refresher", s.refresher.enabled
                            ? json{{"strategy", scenario::strategy_name(s.refresher.strategy)},
                                   {"interval", format_duration(s.refresher.interval)},
                                   {"max_retries", s.refresher.max_retries}}
                            : json(nullptr)},
          {"writer", s.writer.enabled ? writer_json(s.writer) : json(nullptr)},
          {"thresholds", thresholds}};
}

std::int64_t counter_sum(const std::vector<metrics::SeriesStats>& all, const std::string& metric,
                         const std::string& option, const std::string& kind) {
  std::int64_t sum = 0;
  for (const auto& s : all) {
    if (s.metric == metric && tag_value(s.tags, "option") == option &&
        tag_value(s.tags, "kind") == kind) {
      sum += s.count;
    }
  }
  return sum;
}

// What one mix entry measured: a query (sql_*, tag query) or a request (http_req_*, tag
// request): overall, service time, per stage, during/outside a refresh and per read source.
struct EntryMetrics {
  const char* duration;
  const char* service;
  const char* tag;
};
constexpr EntryMetrics kSqlEntry{"sql_duration", "sql_service_time", "query"};
constexpr EntryMetrics kHttpEntry{"http_req_duration", "http_req_service_time", "request"};

json entry_json(const RunReport& r, const std::string& option, const EntryMetrics& em,
                const std::string& name, const char* kind = "read") {
  const auto& all = r.series;
  Tags base = {{"option", option}, {em.tag, name}};
  if (em.tag == std::string_view("query")) base.emplace_back("kind", kind);
  base = make_tags(base);
  auto with = [&](const char* key, const std::string& value) {
    Tags f = base;
    f.emplace_back(key, value);
    return make_tags(f);
  };
  json out;
  if (auto m = merge_series(all, em.duration, base)) out["all"] = to_json(latency_stats(*m));
  if (auto t = per_trial(all, em.duration, base); !t.empty()) out["trials"] = trials_json(t);
  if (auto m = merge_series(all, em.service, base)) {
    out["service_time"] = to_json(latency_stats(*m));
  }
  json stages = json::object();
  for (const auto& stage : tag_values(all, em.duration, "stage")) {
    if (auto m = merge_series(all, em.duration, with("stage", stage))) {
      stages[stage] = to_json(latency_stats(*m));
    }
  }
  out["stages"] = stages;
  for (const char* phase : {"true", "false"}) {
    if (auto m = merge_series(all, em.duration, with("during_refresh", phase))) {
      out[std::string("during_refresh_") + phase] = to_json(latency_stats(*m));
    }
  }
  json sources = json::object();
  for (const auto& src : tag_values(all, em.duration, "read_source")) {
    if (auto m = merge_series(all, em.duration, with("read_source", src))) {
      sources[src] = to_json(latency_stats(*m));
    }
  }
  if (!sources.empty()) out["read_sources"] = sources;
  return out;
}

json steps_json(const OptionReport& o) {
  json steps = json::array();
  for (const auto& e : o.steps) {
    steps.push_back({{"what", e.what}, {"at_s", e.at_s}, {"ok", e.ok}, {"error", e.error}});
  }
  return steps;
}

template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// All reads of one option together (SQL kind:read, or HTTP GETs): overall, per stage and during
// vs outside a refresh, the figures an SLO table states.
json reads_json(const RunReport& r, const std::string& opt) {
  const bool http = !tag_values(r.series, "http_req_duration", "request").empty();
  const char* metric = http ? "http_req_duration" : "sql_duration";
  const Tags base = make_tags({{"option", opt}, {"kind", "read"}});
  auto with = [&](const char* key, const std::string& value) {
    Tags f = base;
    f.emplace_back(key, value);
    return make_tags(f);
  };
  json out = json::object();
  if (auto m = merge_series(r.series, metric, base)) out["all"] = to_json(latency_stats(*m));
  if (auto t = per_trial(r.series, metric, base); !t.empty()) out["trials"] = trials_json(t);
  json stages = json::object();
  for (const auto& stage : tag_values(r.series, metric, "stage")) {
    if (auto m = merge_series(r.series, metric, with("stage", stage))) {
      stages[stage] = to_json(latency_stats(*m));
    }
  }
  out["stages"] = stages;
  for (const char* phase : {"true", "false"}) {
    if (auto m = merge_series(r.series, metric, with("during_refresh", phase))) {
      out[std::string("during_refresh_") + phase] = to_json(latency_stats(*m));
    }
  }
  return out;
}

// The write mix of one option: totals, and each write as a query entry (kind:write).
json writes_json(const RunReport& r, const std::string& opt) {
  const Tags all = make_tags({{"option", opt}, {"kind", "write"}});
  json out = {{"count", 0}, {"failures", 0}};
  if (auto m = merge_series(r.series, "sql_duration", all)) {
    out["count"] = m->count;
    out["failures"] = m->hits;
    out["latency"] = to_json(latency_stats(*m));
  }
  json each = json::object();
  for (const auto& w : tag_values(r.series, "sql_duration", "query")) {
    Tags f = make_tags({{"option", opt}, {"query", w}, {"kind", "write"}});
    if (merge_series(r.series, "sql_duration", f)) {
      each[w] = entry_json(r, opt, kSqlEntry, w, "write");
    }
  }
  out["by_write"] = each;
  if (auto m = merge_series(r.series, "schedule_lag", all)) {
    out["schedule_lag"] = to_json(latency_stats(*m));
  }
  out["dropped_iterations"] = counter_sum(r.series, "dropped_iterations", opt, "write");
  return out;
}

json checks_json(const RateSum& c) {
  return {{"passed", c.hits}, {"failed", c.count - c.hits}, {"rate", c.rate()}};
}

// The journeys of one option: completed iterations, their duration (think time included) and
// the checks their steps carry; plus every check of the option, by kind.
json journeys_json(const RunReport& r, const std::string& opt) {
  json out = json::object();
  for (const auto& j : tag_values(r.series, "iteration_duration", "journey")) {
    const Tags f = make_tags({{"option", opt}, {"journey", j}});
    json entry = json::object();
    if (auto m = merge_series(r.series, "iteration_duration", f)) {
      const auto stats = latency_stats(*m);
      entry["iterations"] = stats.count;
      entry["iteration_duration"] = to_json(stats);
    }
    const RateSum c = sum_rate(r.series, "checks", f);
    if (c.count > 0) entry["checks"] = checks_json(c);
    if (!entry.empty()) out[j] = entry;
  }
  return out;
}

json option_checks_json(const RunReport& r, const std::string& opt) {
  const RateSum all = sum_rate(r.series, "checks", make_tags({{"option", opt}}));
  if (all.count == 0) return nullptr;
  json out = checks_json(all);
  json by = json::object();
  for (const char* kind : {"status", "body", "max_duration"}) {
    const RateSum c = sum_rate(r.series, "checks", make_tags({{"option", opt}, {"check", kind}}));
    if (c.count > 0) by[kind] = checks_json(c);
  }
  out["by_check"] = by;
  return out;
}

// What went wrong under one option, beyond latencies: failures by class over every
// operation, connections lost and re-established (VUs' counts, background activities'
// events with their times), refreshes that failed for good, how the system under test exited.
json health_json(const RunReport& r, const OptionReport& o) {
  const std::string& opt = o.option;
  ErrorCounts errors{};
  for (const auto& s : r.series) {
    if ((s.metric != "sql_duration" && s.metric != "http_req_duration") ||
        tag_value(s.tags, "option") != opt) {
      continue;
    }
    for (std::size_t i = 0; i < kErrorClasses; ++i) errors[i] += s.by_class[i];
  }
  json events = json::array();
  for (const auto& ev : o.connection_events) {
    events.push_back({{"at_s", static_cast<double>(ev.at) / 1e9},
                      {"who", ev.who},
                      {"what", ev.what},
                      {"error", ev.error}});
  }
  json dead = json::array();
  for (const auto& d : o.activities_dead) {
    dead.push_back({{"name", d.name}, {"problem", d.problem}, {"at_s", d.at_s}});
  }
  return {{"errors_by_class", errors_by_class_json(errors)},
          {"vu_connections_lost", counter_sum(r.series, "connections_lost", opt, "read") +
                                      counter_sum(r.series, "connections_lost", opt, "write")},
          {"vu_reconnects", counter_sum(r.series, "reconnects", opt, "read") +
                                counter_sum(r.series, "reconnects", opt, "write")},
          {"connection_events", events},
          {"refreshes_failed", o.refreshes_failed},
          {"target_exit", o.target_exit.empty() ? json(nullptr) : json(o.target_exit)},
          {"activities_dead", dead},
          {"buffer_stats_error",
           o.buffer_stats_error.empty() ? json(nullptr) : json(o.buffer_stats_error)}};
}

json option_json(const RunReport& r, const OptionReport& o) {
  const std::string& opt = o.option;
  json queries = json::object();
  for (const auto& q : tag_values(r.series, "sql_duration", "query")) {
    Tags f = make_tags({{"option", opt}, {"query", q}, {"kind", "read"}});
    if (merge_series(r.series, "sql_duration", f)) queries[q] = entry_json(r, opt, kSqlEntry, q);
  }
  json requests = json::object();
  for (const auto& q : tag_values(r.series, "http_req_duration", "request")) {
    Tags f = make_tags({{"option", opt}, {"request", q}});
    if (merge_series(r.series, "http_req_duration", f)) {
      requests[q] = entry_json(r, opt, kHttpEntry, q);
    }
  }
  json refreshes = json::array();
  for (const auto& ev : o.refreshes) {
    refreshes.push_back({{"start_s", static_cast<double>(ev.start) / 1e9},
                         {"duration_ms", static_cast<double>(ev.duration) / 1e6},
                         {"ok", ev.ok},
                         {"error", ev.error},
                         {"error_class", std::string(error_class_name(ev.error_class))},
                         {"attempt", ev.attempt},
                         {"queue_depth", ev.queue_depth < 0 ? json(nullptr) : json(ev.queue_depth)},
                         {"cpu_s", optional_json(ev.cpu_s)},
                         {"read_bytes", optional_json(ev.read_bytes)},
                         {"write_bytes", optional_json(ev.write_bytes)},
                         {"view_bytes_before", optional_json(ev.view_bytes_before)},
                         {"view_bytes_after", optional_json(ev.view_bytes_after)}});
  }
  json out = {{"measured", o.measured},
              {"build",
               {{"total_s", o.build.total()},
                {"copy_s", o.build.copy_s},
                {"indexes_s", o.build.indexes_s},
                {"vacuum_analyze_s", o.build.vacuum_s},
                {"reused", o.build.reused}}},
              {"sizes", o.sizes},
              {"buffer_hit_ratio", o.buffer_hit_ratio ? json(*o.buffer_hit_ratio) : json(nullptr)},
              {"blks_hit", o.blks_hit},
              {"blks_read", o.blks_read},
              {"plan_warnings", o.plan_warnings},
              {"queries", queries},
              {"requests", requests},
              {"base_url", o.base_url},
              {"steps", steps_json(o)},
              {"refreshes", refreshes}};
  // One key per after-load file, named by its stem (option C: view_s, live_s).
  for (const auto& [stem, seconds] : o.build.after_load) out["build"][stem + "_s"] = seconds;
  if (o.trials.size() > 1) {
    json trials = json::array();
    for (const auto& t : o.trials) {
      trials.push_back({{"trial", t.trial},
                        {"start_s", t.start_s},
                        {"measured_s", t.measured_s},
                        {"stop_reason", t.stop_reason}});
    }
    out["trials"] = trials;
  }
  if (o.live_sync_setup_s > 0) out["live_sync_setup_s"] = o.live_sync_setup_s;
  out["writes"] = writes_json(r, opt);
  out["reads"] = reads_json(r, opt);
  if (auto m = merge_series(r.series, "mv_refresh_duration", make_tags({{"option", opt}}))) {
    out["refresh_duration"] = to_json(latency_stats(*m));
  }
  if (auto m =
          merge_series(r.series, "schedule_lag", make_tags({{"option", opt}, {"kind", "read"}}))) {
    out["schedule_lag"] = to_json(latency_stats(*m));
  }
  out["dropped_iterations"] = counter_sum(r.series, "dropped_iterations", opt, "read");
  out["interrupted_iterations"] = o.interrupted_iterations;
  out["duration"] = {
      {"planned_s", o.planned_s}, {"measured_s", o.measured_s}, {"stop_reason", o.stop_reason}};
  out["journeys"] = journeys_json(r, opt);
  out["checks"] = option_checks_json(r, opt);
  if (auto m = merge_series(r.series, "mv_age", make_tags({{"option", opt}}))) {
    out["view_age"] = to_json(latency_stats(*m));
  }
  out["health"] = health_json(r, o);
  if (o.staleness_markers > 0) {
    json st = {{"markers", o.staleness_markers},
               {"unseen", o.staleness_unseen},
               {"overdue", o.staleness_overdue},
               {"write_failures", o.staleness_write_failures},
               {"poll_failures", o.staleness_poll_failures}};
    if (auto m = merge_series(r.series, "mv_staleness", make_tags({{"option", opt}}))) {
      st["lag"] = to_json(latency_stats(*m));
    }
    out["staleness"] = st;
  }
  return out;
}

json thresholds_json(const RunReport& r) {
  json out = json::array();
  for (const auto& t : r.thresholds) {
    out.push_back({{"metric", t.threshold.selector},
                   {"expression", t.threshold.source},
                   {"observed", t.observed ? json(*t.observed) : json(nullptr)},
                   {"samples", t.samples},
                   {"passed", t.passed},
                   {"detail", t.detail},
                   {"location", t.threshold.at.file + ":" + std::to_string(t.threshold.at.line)}});
  }
  return out;
}

json invariants_json(const RunReport& r) {
  json out = json::array();
  for (const auto& i : r.invariants) {
    out.push_back({{"name", i.name}, {"passed", i.passed}, {"detail", i.detail}});
  }
  return out;
}

}  // namespace

void write_summary_json(const RunReport& r, const std::filesystem::path& file) {
  json options = json::object();
  for (const auto& o : r.options) options[o.option] = option_json(r, o);
  json doc = {
      {"run",
       {{"id", r.run_id},
        {"started_at", r.started_at},
        {"finished_at", r.finished_at},
        {"complete", r.complete},
        {"incomplete_reason", r.incomplete_reason},
        {"target", r.target},
        {"trials", r.scenario ? r.scenario->trials : 1},
        {"histogram_out_of_range", r.out_of_range}}},
      {"scenario", r.scenario ? scenario_json(*r.scenario) : json(nullptr)},
      {"environment", r.environment},
      {"options", options},
      {"thresholds", thresholds_json(r)},
      {"invariants", invariants_json(r)},
      {"verdict", r.verdict()},
  };
  write_file_atomic(file, doc.dump(2) + '\n');
}

}  // namespace lg::results
