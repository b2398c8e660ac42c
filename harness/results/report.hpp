#pragma once
// Everything one run produced, as the result sinks read it. Built by run/, read-only afterwards.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "datagen/schema.hpp"
#include "harness/background/activity.hpp"
#include "harness/background/refresher.hpp"
#include "harness/background/steps.hpp"
#include "harness/db/reconnecting.hpp"
#include "harness/gate/invariant.hpp"
#include "harness/gate/threshold.hpp"
#include "harness/metrics/series_stats.hpp"
#include "harness/results/aggregate.hpp"
#include "harness/scenario/model.hpp"

namespace lg::results {

/// What happened to one schema option during the run.
/// One trial of one option's measured phase.
struct TrialReport {
  int trial = 1;            ///< 1-based
  double start_s = 0;       ///< measured start, s since the run's start
  double measured_s = 0;    ///< 0 when cut short before its measured end
  std::string stop_reason;  ///< "" until it ended
};

struct OptionReport {
  std::string option;                      ///< the option's name, e.g. "A"
  datagen::BuildTimes build;               ///< dataset load, indexes, view, VACUUM ANALYZE
  nlohmann::json sizes;                    ///< relation -> bytes
  std::optional<double> buffer_hit_ratio;  ///< measured part only; nullopt if no block was read
  std::int64_t blks_hit = 0;
  std::int64_t blks_read = 0;
  std::vector<std::string> plan_warnings;
  std::vector<background::RefreshEvent> refreshes;
  double live_sync_setup_s = 0;              ///< trigger strategy: resync + enabling the trigger
  std::int64_t staleness_markers = 0;        ///< staleness probe writes
  std::int64_t staleness_unseen = 0;         ///< of those, not visible in the view by the end
  std::string base_url;                      ///< HTTP target of this option ("" for SQL)
  std::vector<background::StepEvent> steps;  ///< rollout steps and faults as they ran
  bool measured = false;  ///< false when the run was cut short before this option
  /// Iterations still running at graceful_stop (or at an early stop), abandoned unrecorded.
  int interrupted_iterations = 0;
  /// The measured part: its planned length (the stages) and how long it really took, from the
  /// measured start until the last VU had stopped (graceful stop included); why it ended.
  double planned_s = 0;
  double measured_s = 0;
  std::string stop_reason;
  /// Background health. Refreshes that failed for good (every retry too); staleness markers
  /// a successful refresh should have shown but that were never seen; the probe's failed
  /// marker writes and view polls (and the last error); the background connections lost and
  /// re-established (`at`: ns since the measured start); how the system under test exited
  /// during the run ("" when it did not).
  int refreshes_failed = 0;
  std::int64_t staleness_overdue = 0;
  std::int64_t staleness_write_failures = 0;
  std::int64_t staleness_poll_failures = 0;
  std::string staleness_error;
  std::vector<db::ConnectionEvent> connection_events;
  std::string target_exit;
  /// Background activities (refresher, probe, write mix, steps) found dead during the run.
  std::vector<background::ActivityDeath> activities_dead;
  /// Buffer statistics could not be read (the admin connection failed): why.
  std::string buffer_stats_error;
  /// Every trial that reached its measured start, in order. The figures above (planned_s,
  /// measured_s, blocks, refreshes, events…) are over all of them; event times are on the
  /// option's time axis, whose 0 is the first trial's measured start.
  std::vector<TrialReport> trials;
};

struct RunReport {
  std::string run_id;         ///< "<UTC timestamp>-<scenario>"
  std::filesystem::path dir;  ///< results/<run_id>
  const scenario::Scenario* scenario = nullptr;
  std::string started_at;  ///< ISO-8601 UTC
  std::string finished_at;
  bool complete = true;
  std::string incomplete_reason;
  std::string target;  ///< redacted DSN, or "embedded cluster"
  nlohmann::json environment;
  std::vector<OptionReport> options;
  std::vector<metrics::SeriesStats> series;
  std::vector<TimeseriesRow> timeseries;
  std::int64_t out_of_range = 0;
  std::vector<gate::ThresholdResult> thresholds;
  std::vector<gate::InvariantResult> invariants;

  /// True when every threshold passed (vacuously true without thresholds).
  bool thresholds_passed() const;
  /// True when every invariant held.
  bool invariants_held() const;
  /// The verdict: "pass" (complete, every threshold and invariant held), "fail", or
  /// "incomplete" (cut short: whatever held, it is no pass).
  std::string verdict() const;
};

/// summary.json: resolved scenario, environment, per option × query × stage statistics,
/// refreshes, sizes, plan warnings and threshold verdicts. Written whole or not at all
/// (write_file_atomic); throws InfraError naming the path and errno on I/O failure.
void write_summary_json(const RunReport& report, const std::filesystem::path& file);
/// timeseries.csv: one row per interval (≤ 1 s) and series. Throws InfraError on I/O failure.
void write_timeseries_csv(const RunReport& report, const std::filesystem::path& file);
/// junit.xml: one <testcase> per threshold (value, limit, verdict as <failure>), in the shape of
/// the common JUnit XML schema (windyroad JUnit.xsd). A run cut short counts as one error.
/// Throws InfraError when the file cannot be written.
void write_junit_xml(const RunReport& report, const std::filesystem::path& file);
/// The console table: per option × query count, throughput, errors, p50/p95/p99/max (ms), the
/// refreshes and the threshold verdicts (k6 style ✓/✗).
std::string format_console(const RunReport& report);

/// Writes every result file of `report` into report.dir (created if missing): junit.xml,
/// summary.json, summary.txt (the console table), scenario.toml, series.json, timeseries.csv.
/// Each file is whole or absent (write_file_atomic); one that fails does not keep the others
/// from being written. Returns one line per failure, "cannot write <path>: <strerror>", empty
/// when everything was written. Does not throw for I/O errors.
std::vector<std::string> write_result_files(const RunReport& report);

/// write_result_files(), then throws InfraError (exit 3) naming every file that failed.
void write_all(const RunReport& report);

/// Current UTC time as "2026-11-21T23:59:59Z" (iso) or "20261121T235959Z" (compact).
std::string utc_now(bool compact);

}  // namespace lg::results
