#pragma once
// `loadgate report` over several runs of one scenario (a nightly's history): p95 per query over
// the runs, one panel per option, with each run's verdict marked.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/report/plots.hpp"

namespace lg::report {

/// One run of a trend.
struct TrendRun {
  std::filesystem::path dir;
  std::string id;          ///< run.id ("<UTC>-<scenario>"), else the folder name
  std::string started_at;  ///< ISO-8601 UTC
  std::string verdict;     ///< pass, fail or incomplete
  /// Per option, per read query (or HTTP request): p95 over the whole run in ms (with trials,
  /// the median across them).
  std::map<std::string, std::map<std::string, double>> p95_ms;
};

/// The runs `paths` name, oldest first (by started_at, then id): each path is a run folder or a
/// folder holding run folders (a nightly job's candidate/, a history of jobs: searched two
/// levels deep). Throws InputError naming a path that holds no run, or a malformed summary.json.
std::vector<TrendRun> read_trend(const std::vector<std::filesystem::path>& paths);

/// One plot: a panel per option, p95 of each query over the runs (x: the run's start), runs
/// that did not pass shaded and labelled with their verdict. Pure: nothing is written.
PlotJob plan_trend_plot(const std::vector<TrendRun>& runs);

}  // namespace lg::report
