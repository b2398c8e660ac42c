#pragma once
// A run folder read back for `loadgate report`: summary.json, timeseries.csv and series.json as
// results/run_folder reads them, plus the reads' per-interval percentiles from latency.hlog.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/metrics/series_stats.hpp"
#include "harness/results/run_folder.hpp"

namespace lg::report {

/// A row of timeseries.csv, as the one run-folder reader parses it.
using results::IntervalRow;

/// Which series hold the measured reads: http_req_duration (HTTP runs, every request) or
/// sql_duration with kind "read" (SQL runs; the writer's kind "write" is background load).
struct ReadSeries {
  std::string metric;  ///< "sql_duration" or "http_req_duration"
  std::string kind;    ///< required kind tag; empty: any
  std::string tag;     ///< tag naming an entry: "query" or "request"
};

/// The read series of an HTTP (`http` true) or SQL run.
ReadSeries read_series(bool http);

/// True when `row` is one of the reads described by `reads`.
bool is_read(const IntervalRow& row, const ReadSeries& reads);

/// Exact read percentiles of one interval of one option, from latency.hlog's merged histograms
/// (interval_percentiles.hpp). Times as the log has them: seconds since the run's start.
struct IntervalPercentiles {
  double start_s = 0;
  double length_s = 0;
  std::int64_t count = 0;                     ///< samples in the merged histogram
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;  ///< HdrHistogram value at percentile, ms
};

/// Per option letter, each in time order.
using ReadPercentiles = std::map<std::string, std::vector<IntervalPercentiles>>;

/// The value at `path` inside `doc` (object keys), or a null value when any step is missing or
/// not an object: summary.json of older or cut-short runs may lack sections.
const nlohmann::json& json_at(const nlohmann::json& doc,
                              std::initializer_list<std::string_view> path);

/// Everything the report shows of one run folder.
struct RunData {
  std::filesystem::path dir;
  nlohmann::json summary;            ///< summary.json as written by `loadgate run`
  std::vector<std::string> options;  ///< option letters that have a summary, run order
  std::vector<IntervalRow> rows;     ///< timeseries.csv; empty when the file is absent
  bool has_timeseries = false;
  std::vector<metrics::SeriesStats> series;  ///< series.json; empty when the file is absent
  bool has_series = false;
  ReadPercentiles read_percentiles;  ///< latency.hlog's reads per interval; empty when absent

  /// summary.options.<option>, or an empty object.
  const nlohmann::json& option_summary(const std::string& option) const;
  /// True when the run measured HTTP requests rather than SQL queries.
  bool is_http() const;
};

/// Reads `dir` with results::read_run_folder. summary.json is required; timeseries.csv,
/// series.json and latency.hlog are optional (a run cut short early, or one written by an older
/// loadgate, may lack them). Throws InputError when `dir` is not a run folder or a file is
/// malformed.
RunData read_run(const std::filesystem::path& dir);

}  // namespace lg::report
