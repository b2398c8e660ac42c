#pragma once
// A run folder (results/<run>/) read back: the one reader of what `loadgate run` and `merge`
// write, for report, compare and merge. Each caller says which files it cannot do without;
// every absent required file or malformed file is an InputError (exit 2) naming the file and,
// where known, the line and field.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/error_class.hpp"
#include "harness/metrics/series_stats.hpp"

namespace lg::results {

/// One row of timeseries.csv: one series over one interval (≤ 1 s). Times in seconds since the
/// option's measured start; latencies in ms; empty strings for tags the series does not carry;
/// zeros for numeric columns the file does not have (written before they existed).
struct IntervalRow {
  std::string option;
  std::string stage;
  double t_start_s = 0;
  double t_end_s = 0;
  std::string metric;
  std::string query;
  std::string request;
  std::string read_source;
  std::string kind;
  std::string during_refresh;
  std::int64_t count = 0;
  std::int64_t errors = 0;
  double throughput_per_s = 0;  ///< count over the interval's span, per second
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  int vus = 0;
  bool refresh_in_flight = false;
  ErrorCounts by_class{};  ///< errors_<class> columns, indexed by error_index()
  int trial = 1;           ///< 1-based trial of the run (1 for a file without the column)
};

/// Parses the text of a timeseries.csv (`file` names it in errors). Columns are found by their
/// header name, so files written before a column existed (request, read_source, throughput_per_s,
/// max_ms, vus, refresh_in_flight, errors_<class>, trial) still read, and columns a newer loadgate
/// adds are skipped. Lines may end in CRLF; empty lines are skipped; a file without even a header
/// has no rows. Throws InputError naming `file`, the line and the column when a required column
/// (option, stage, t_start_s, t_end_s, metric, query, kind, count, p50_ms, p95_ms, p99_ms) is
/// missing, a row has a different number of fields than the header, or a number does not parse.
std::vector<IntervalRow> parse_timeseries_csv(std::string_view text, const std::string& file);

/// How much a caller needs one file of a run folder.
enum class Need : std::uint8_t {
  kSkip,      ///< not read, even when present
  kOptional,  ///< read when present, left empty when absent
  kRequired,  ///< absent: InputError "not a run folder: no <file>"
};

/// Which files of a run folder to read. The defaults read every result file when present and
/// skip scenario.toml.
struct RunFolderNeeds {
  Need summary = Need::kOptional;     ///< summary.json
  Need series = Need::kOptional;      ///< series.json
  Need timeseries = Need::kOptional;  ///< timeseries.csv
  Need hlog = Need::kOptional;        ///< latency.hlog (presence only)
  Need scenario = Need::kSkip;        ///< scenario.toml, the resolved scenario the run ran
  /// At least one of summary.json and series.json must be present (compare takes its figures
  /// from either).
  bool summary_or_series = false;
};

/// A run folder's files, each empty when absent or skipped.
struct RunFolder {
  std::filesystem::path dir;
  /// summary.json as written by `loadgate run`: an object with an "options" object.
  std::optional<nlohmann::json> summary;
  std::optional<std::vector<metrics::SeriesStats>> series;  ///< series.json, every histogram
  std::optional<std::vector<IntervalRow>> timeseries;       ///< timeseries.csv, file order
  /// latency.hlog's path; read by streaming (metrics/hlog.hpp), since it can be large.
  std::optional<std::filesystem::path> hlog;
  std::optional<std::string> scenario_text;  ///< scenario.toml, byte for byte
};

/// Reads `dir` as `needs` says. Throws InputError naming `dir` when it is not a directory or
/// lacks a required file, and naming the file (with line and field where known) when a file
/// read is malformed: summary.json not JSON or without an "options" object, series.json (see
/// read_series_json), timeseries.csv (see parse_timeseries_csv), an unreadable file.
RunFolder read_run_folder(const std::filesystem::path& dir, const RunFolderNeeds& needs = {});

}  // namespace lg::results
