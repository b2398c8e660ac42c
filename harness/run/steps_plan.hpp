#pragma once
// The timed steps of a run (background/steps): each stage's mv_rollout_percent, posted to the
// API's admin endpoint when the stage starts, and the scenario's [[faults]], done and undone.

#include <string>
#include <vector>

#include "harness/background/steps.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/scenario/model.hpp"

namespace lg::run {

/// Steps for option `option` of scenario `s`. `base_url` is the HTTP target (empty for SQL);
/// `conninfo` reaches the database for faults. view_unavailable renames the option's view
/// (C: loadgate_c.mv_product_search) to <name>_offline and back; an option without a view has
/// no fault steps.
std::vector<background::TimedStep> plan_steps(const scenario::Scenario& s,
                                              const option::SchemaOption& option,
                                              const std::string& base_url,
                                              const std::string& conninfo);

/// POSTs {"percent": p} to <base_url>/admin/rollout. Throws std::runtime_error unless 200.
void set_rollout_percent(const std::string& base_url, int percent);

}  // namespace lg::run
