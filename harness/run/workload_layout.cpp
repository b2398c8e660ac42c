#include "harness/run/workload_layout.hpp"

#include <map>

#include "harness/core/duration.hpp"

namespace lg::run {
namespace {

metrics::SlotId add_slot(OptionWorkload& w, std::string metric, metrics::MetricKind kind,
                         Tags tags) {
  w.slots.push_back({std::move(metric), kind, make_tags(std::move(tags))});
  return static_cast<metrics::SlotId>(w.slots.size() - 1);
}

// One step's slots in the order exec::StepPlan::slot expects; returns the first.
metrics::SlotId add_step_slots(OptionWorkload& w, const char* prefix, const Tags& base,
                               std::size_t sources) {
  const auto first = static_cast<metrics::SlotId>(w.slots.size());
  for (std::size_t src = 0; src < sources; ++src) {
    const auto source = driver::read_source_name(static_cast<driver::ReadSource>(src));
    for (const char* suffix : {"_duration", "_service_time"}) {
      for (const char* phase : {"false", "true"}) {
        Tags tags = base;
        tags.emplace_back("during_refresh", phase);
        if (*source != '\0') tags.emplace_back("read_source", source);
        add_slot(w, std::string(prefix) + suffix, metrics::MetricKind::kTrend, std::move(tags));
      }
    }
  }
  return first;
}

// How one step runs: what the driver executes, with which parameters, tagged how.
struct StepTarget {
  std::size_t operation = 0;
  const workload::QuerySpec* params = nullptr;
  const char* prefix = "sql";
  Tags tags;
};

// Resolves steps to driver operations, adding each distinct SQL statement once.
class StepResolver {
 public:
  StepResolver(const scenario::Scenario& s, const workload::Catalog& catalog,
               const option::SchemaOption& option,
               const std::vector<workload::RequestTemplate>& requests,
               std::vector<driver::Statement>& statements)
      : s_(s), catalog_(catalog), option_(option), requests_(requests), statements_(statements) {}

  StepTarget query(const std::string& name) {
    const workload::QuerySpec& q = catalog_.query(option_.name, name);
    auto [it, added] = index_.try_emplace(name, statements_.size());
    if (added) statements_.push_back({q.name, read_relation_sql(s_, option_, q.sql)});
    return {it->second, &q, "sql", {{"query", name}, {"kind", "read"}}};
  }
  StepTarget request(const std::string& name) {
    for (std::size_t i = 0; i < requests_.size(); ++i) {
      if (requests_[i].name != name) continue;
      const char* kind = requests_[i].method == "GET" ? "read" : "write";
      return {i, &requests_[i].params, "http_req", {{"request", name}, {"kind", kind}}};
    }
    throw InputError("workload.journeys", "no request \"" + name + "\"");
  }

 private:
  const scenario::Scenario& s_;
  const workload::Catalog& catalog_;
  const option::SchemaOption& option_;
  const std::vector<workload::RequestTemplate>& requests_;
  std::vector<driver::Statement>& statements_;
  std::map<std::string, std::size_t> index_;
};

// A step of a declared journey; repeated (journey, query|request) pairs share their slots.
exec::StepPlan journey_step(OptionWorkload& w, StepResolver& resolver,
                            const scenario::JourneySpec& j, const scenario::StepSpec& st,
                            std::map<std::string, metrics::SlotId>& seen) {
  StepTarget t = st.query.empty() ? resolver.request(st.request) : resolver.query(st.query);
  t.tags.emplace_back("journey", j.name);
  exec::StepPlan p;
  p.query = t.params;
  p.operation = t.operation;
  p.think = st.think;
  p.checks = st.checks;
  const std::string key = std::string(t.prefix) + ":" + (st.query.empty() ? st.request : st.query);
  auto [it, added] = seen.try_emplace(key, 0);
  if (added) it->second = add_step_slots(w, t.prefix, t.tags, w.reads.sources);
  p.base = it->second;
  auto check_slot = [&](const char* check) {
    auto [c, fresh] = seen.try_emplace(key + "#" + check, 0);
    if (fresh) {
      Tags tags = t.tags;
      std::erase_if(tags, [](const auto& kv) { return kv.first == "kind"; });
      tags.emplace_back("check", check);
      c->second = add_slot(w, "checks", metrics::MetricKind::kRate, std::move(tags));
    }
    return c->second;
  };
  if (st.checks.status != 0) p.status_check = check_slot("status");
  if (!st.checks.body.empty()) p.body_check = check_slot("body");
  if (st.checks.max_duration != 0) p.duration_check = check_slot("max_duration");
  return p;
}

void add_journeys(OptionWorkload& w, const scenario::Scenario& s, StepResolver& resolver) {
  std::uint64_t cumulative = 0;
  for (const auto& j : s.journeys) {
    std::map<std::string, metrics::SlotId> seen;
    exec::JourneyPlan plan;
    for (const auto& st : j.steps) plan.steps.push_back(journey_step(w, resolver, j, st, seen));
    plan.iteration_duration =
        add_slot(w, "iteration_duration", metrics::MetricKind::kTrend, {{"journey", j.name}});
    cumulative += static_cast<std::uint64_t>(j.weight);
    plan.cumulative_weight = cumulative;
    w.reads.journeys.push_back(std::move(plan));
  }
}

// Today's workload: each mix entry or request template is a journey of one step.
void add_mix(OptionWorkload& w, const scenario::Scenario& s, StepResolver& resolver) {
  std::uint64_t cumulative = 0;
  auto add = [&](StepTarget t, int weight) {
    exec::StepPlan p;
    p.query = t.params;
    p.operation = t.operation;
    p.base = add_step_slots(w, t.prefix, t.tags, w.reads.sources);
    cumulative += static_cast<std::uint64_t>(weight);
    w.reads.journeys.push_back({{p}, cumulative, exec::kNoSlot});
  };
  if (s.http_workload()) {
    for (const auto& r : s.requests) add(resolver.request(r.name), r.weight);
  } else {
    for (const auto& m : s.mix) add(resolver.query(m.query), m.weight);
  }
}

void add_writes(OptionWorkload& w, const scenario::Scenario& s, const workload::Catalog& catalog,
                const std::string& option) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < s.writer.mix.size(); ++i) {
    const workload::QuerySpec& q = catalog.write(option, s.writer.mix[i].query);
    w.write_statements.push_back({q.name, q.sql});
    exec::StepPlan p;
    p.query = &q;
    p.operation = i;
    p.base = add_step_slots(w, "sql", {{"query", q.name}, {"kind", "write"}}, 1);
    cumulative += static_cast<std::uint64_t>(s.writer.mix[i].weight);
    w.writes.journeys.push_back({{p}, cumulative, exec::kNoSlot});
  }
  w.writes.schedule_lag =
      add_slot(w, "schedule_lag", metrics::MetricKind::kTrend, {{"kind", "write"}});
  w.write_dropped =
      add_slot(w, "dropped_iterations", metrics::MetricKind::kCounter, {{"kind", "write"}});
  w.writes.connections_lost =
      add_slot(w, "connections_lost", metrics::MetricKind::kCounter, {{"kind", "write"}});
  w.writes.reconnects =
      add_slot(w, "reconnects", metrics::MetricKind::kCounter, {{"kind", "write"}});
}

}  // namespace

OptionActivities option_activities(const scenario::Scenario& s,
                                   const option::SchemaOption& option) {
  const bool view = option.view.has_value();
  return {view && s.refresher.enabled, view && s.staleness.enabled};
}

std::string read_relation_sql(const scenario::Scenario& s, const option::SchemaOption& option,
                              std::string sql) {
  if (!option.view || !option.live || !s.refresher.enabled ||
      s.refresher.strategy != scenario::RefreshStrategy::kTrigger) {
    return sql;
  }
  const std::string& view = option.view->relation;
  const std::string& live = option.live->table;
  for (auto at = sql.find(view); at != std::string::npos; at = sql.find(view, at + live.size())) {
    sql.replace(at, view.size(), live);
  }
  return sql;
}

OptionWorkload make_workload(const scenario::Scenario& s, const workload::Catalog& catalog,
                             const option::SchemaOption& option,
                             const std::vector<workload::RequestTemplate>& requests) {
  OptionWorkload w;
  w.reads.sources = s.http_workload() ? driver::kReadSources : 1;
  StepResolver resolver(s, catalog, option, requests, w.read_statements);
  if (s.journeys.empty()) {
    add_mix(w, s, resolver);
  } else {
    add_journeys(w, s, resolver);
  }
  w.reads.schedule_lag =
      add_slot(w, "schedule_lag", metrics::MetricKind::kTrend, {{"kind", "read"}});
  w.dropped = add_slot(w, "dropped_iterations", metrics::MetricKind::kCounter, {{"kind", "read"}});
  w.reads.connections_lost =
      add_slot(w, "connections_lost", metrics::MetricKind::kCounter, {{"kind", "read"}});
  w.reads.reconnects = add_slot(w, "reconnects", metrics::MetricKind::kCounter, {{"kind", "read"}});
  if (s.writer.enabled) add_writes(w, s, catalog, option.name);
  w.refresh = add_slot(w, "mv_refresh_duration", metrics::MetricKind::kTrend, {});
  w.staleness = add_slot(w, "mv_staleness", metrics::MetricKind::kTrend, {});
  // The reads of an option with a view see it (or the trigger strategy's live table): each
  // read records the age of what it saw.
  if (option.view) {
    w.reads.view_age = add_slot(w, "mv_age", metrics::MetricKind::kTrend, {});
  } else {
    add_slot(w, "mv_age", metrics::MetricKind::kTrend, {});
  }
  return w;
}

}  // namespace lg::run
