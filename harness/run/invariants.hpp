#pragma once
// The built-in invariants of a run (scenario `[invariants]`), judged from what the options
// reported: no refresh failed for good, no staleness marker went unseen that a refresh should
// have shown, no connection was lost, the system under test did not exit, no background
// activity died.

#include <vector>

#include "harness/gate/invariant.hpp"
#include "harness/metrics/series_stats.hpp"
#include "harness/results/report.hpp"
#include "harness/scenario/model.hpp"

namespace lg::run {

/// One result per invariant the scenario keeps on (in the order of InvariantsSpec), each
/// naming the options and counts that broke it. `series` supplies the VUs' connections_lost
/// and reconnects counters. Pure.
std::vector<gate::InvariantResult> check_invariants(
    const scenario::InvariantsSpec& spec, const std::vector<results::OptionReport>& options,
    const std::vector<metrics::SeriesStats>& series);

}  // namespace lg::run
