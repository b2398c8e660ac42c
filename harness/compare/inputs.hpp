#pragma once
// What `loadgate compare` reads: a run folder (results/<run>/) or a Google Benchmark
// --benchmark_format=json file, turned into comparable series (option × query/request/benchmark)
// with one figure per metric and the samples the significance test runs over.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/results/run_folder.hpp"

namespace lg::compare {

/// What a series measured.
enum class EntryKind { kQuery, kRequest, kBenchmark };

/// One metric of one series (see metrics.hpp for names and units).
struct MetricData {
  /// The figure of the whole input: ms for latency, per second for throughput. With
  /// independent samples (trials, repetitions) their median; else the whole run's figure.
  double value = 0;
  /// Independent repeated measurements: one per trial of a run (`--trials`, or each run of a
  /// folder of runs) or per repetition of a benchmark. May be empty.
  std::vector<double> samples;
  /// Per-interval values of one run (timeseries.csv): autocorrelated, so a test over them
  /// overstates significance; the gate falls back to them, with a warning, only when a side
  /// has no independent samples.
  std::vector<double> intervals;
};

/// One query, request or benchmark under one option.
struct Series {
  std::string option;  ///< "A", "B", "C"; empty for a benchmark whose name names none
  std::string name;    ///< query, request or benchmark name
  EntryKind kind = EntryKind::kQuery;
  std::map<std::string, MetricData> metrics;  ///< by metric name
};

/// The machine calibration a run records in environment.calibration (db/calibration.hpp).
struct Calibration {
  double cpu_mops = 0;          ///< fixed CPU loop, million operations per second
  double statements_per_s = 0;  ///< SELECT 1 round trips on one connection
};

/// One input of the comparison.
struct Input {
  std::filesystem::path path;
  std::string label;  ///< short name for tables: the folder or file name
  bool benchmark = false;
  /// Independent trials behind `samples`: a run's trials, or the runs (and their trials) of a
  /// folder of runs. 0 for a one-trial run and for a benchmark file.
  std::size_t trials = 0;
  /// The run's calibration (the median over a folder of runs); nullopt for a benchmark file
  /// or a run from before calibrations.
  std::optional<Calibration> calibration;
  std::vector<Series> series;      ///< in the input's own order
  std::vector<std::string> notes;  ///< caveats worth printing (incomplete run, missing files)

  /// The series of `option` and `name`, or nullptr.
  const Series* find(const std::string& option, const std::string& name) const;
};

/// Shortest interval of timeseries.csv used as a sample (s): the tail of a stage split at its
/// boundary holds too few requests for a stable percentile.
inline constexpr double kMinIntervalSeconds = 0.5;

/// Loads a run folder when `path` is a directory (or its summary.json), a folder of run folders
/// (see load_runs) when the directory holds no run but run folders, else a Google Benchmark
/// JSON file. Throws InputError naming the path when it is missing or malformed.
Input load_input(const std::filesystem::path& path);

/// A folder of run folders of one scenario (e.g. ci/nightly.sh's baseline/ or candidate/, one
/// trial each, interleaved with the other side) as one input: every run, and every trial of a
/// run with trials, is one independent sample; figures are the samples' medians; the
/// calibration is the median of the runs'. Throws InputError naming the folder when it holds
/// no run folder, or naming the run that is malformed.
Input load_runs(const std::filesystem::path& dir);

/// Loads results/<run>/ with results::read_run_folder. Figures (p50/p95/p99 ms, throughput /s,
/// over the whole run, every stage) come from series.json's histograms, exact; from
/// summary.json when series.json is absent. A run of several trials has one sample per trial
/// (each from that trial's histograms) and its figures are their medians. Intervals are the
/// per-interval values of timeseries.csv (see interval_samples). Read queries (sql_duration,
/// kind read) and HTTP requests (http_req_duration) are loaded. Throws InputError naming the
/// file when the folder has neither summary.json nor series.json, or a file in it is
/// malformed.
Input load_run(const std::filesystem::path& dir);

/// Per-interval samples of timeseries.csv `rows`: for each (option, query or request) the
/// p50/p95/p99 (ms) and throughput (/s) of every interval of at least kMinIntervalSeconds with a
/// non-zero count. Rows of one interval (split by during_refresh or read_source) are combined:
/// counts add; percentiles are count-weighted. Rows that are not reads are left out.
std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<double>>>
interval_samples(const std::vector<results::IntervalRow>& rows);

/// Parses Google Benchmark JSON `text` (`file` names it in errors and labels). Each benchmark
/// family (run_name without /repeats:, /threads:, /real_time… suffixes) is one series; a last
/// name component that is one capital letter is the option ("BM_Query/sku_lookup/A" and
/// "sku_lookup/A" are query sku_lookup under option A: with an option, a leading BM_ component
/// is dropped; other names are kept whole, option empty).
/// Metrics: time = real_time per iteration converted to ms; user counters p50_ms, p95_ms,
/// p99_ms become p50/p95/p99 and items_per_second becomes throughput. Samples are the
/// "iteration" entries (one per repetition); the figure is their median, or the median / mean
/// aggregate when only aggregates were reported. Entries with error_occurred are skipped.
/// Throws InputError naming the file when it is not JSON or has no "benchmarks" array.
Input load_benchmark_json(const std::string& text, const std::filesystem::path& file);

}  // namespace lg::compare
