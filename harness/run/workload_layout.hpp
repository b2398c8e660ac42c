#pragma once
// What one option's VUs run and where they record it: the recorder's slot layout (one metric
// series per slot), the reads' and the writes' workload plans (journeys of steps), and the
// statements each SQL VU prepares. Built once per option, read-only while it runs.

#include <vector>

#include "harness/driver/pg_driver.hpp"
#include "harness/exec/vu.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/scenario/model.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/request_template.hpp"

namespace lg::run {

struct OptionWorkload {
  std::vector<metrics::SlotSpec> slots;
  exec::WorkloadPlan reads;   ///< the executor's VUs
  exec::WorkloadPlan writes;  ///< the write mix's VUs (empty without [writer])
  /// What a SQL read VU prepares (operation index = statement index); empty for HTTP.
  std::vector<driver::Statement> read_statements;
  std::vector<driver::Statement> write_statements;
  metrics::SlotId dropped = 0;        ///< dropped_iterations{kind:read}
  metrics::SlotId write_dropped = 0;  ///< dropped_iterations{kind:write}
  metrics::SlotId refresh = 0;        ///< mv_refresh_duration
  metrics::SlotId staleness = 0;      ///< mv_staleness
};

/// The workload of `option`: without journeys, one single-step journey per [workload.mix]
/// entry (sql_duration{query,kind:read}) or [workload.requests] template
/// (http_req_duration{request,kind}); with journeys, their steps, tagged with the journey, each
/// journey's iteration_duration{journey}, and a checks{check,journey,query|request} rate slot
/// per check. Every step gets *_duration and *_service_time, outside and during a refresh (and
/// per read source for HTTP). `requests` are the compiled [workload.requests] (same order as
/// the scenario's). Throws InputError when the option lacks a query or write the scenario
/// names. The SQL reads of an option with a view name the trigger strategy's live table when it
/// is in use; the reads of an option with a view record the age of what they saw (mv_age).
OptionWorkload make_workload(const scenario::Scenario& s, const workload::Catalog& catalog,
                             const option::SchemaOption& option,
                             const std::vector<workload::RequestTemplate>& requests);

/// The background activities an option gets beside its VUs, beyond the write mix and the timed
/// steps: decided by its roles (never its name) and what the scenario asks for.
struct OptionActivities {
  bool refresher = false;        ///< [refresher] and the option has a view to refresh
  bool staleness_probe = false;  ///< [staleness] and the option has a view to lag behind
};

/// What `option` runs in the background under scenario `s`.
OptionActivities option_activities(const scenario::Scenario& s, const option::SchemaOption& option);

/// An option with a view and a live table, under the trigger strategy, reads the
/// trigger-maintained table instead of the view: `sql` with the view's name replaced by the
/// live table's; otherwise `sql` unchanged.
std::string read_relation_sql(const scenario::Scenario& s, const option::SchemaOption& option,
                              std::string sql);

}  // namespace lg::run
