#pragma once
// series.json: every series of a run with its full histogram (HdrHistogram V2, compressed,
// base64) and counts, so runs can be merged losslessly and thresholds re-evaluated later.

#include <filesystem>
#include <vector>

#include "harness/metrics/series_stats.hpp"

namespace lg::results {

/// Writes `series` to `file`. Throws InfraError on I/O failure.
void write_series_json(const std::vector<metrics::SeriesStats>& series,
                       const std::filesystem::path& file);

/// Reads a series.json. Throws InputError naming the file when it is missing or malformed.
std::vector<metrics::SeriesStats> read_series_json(const std::filesystem::path& file);

/// Adds series with the same metric, kind and tags: histograms and counts add; `seconds` is the
/// longest window, since runs merged are load generators sharing one wall-clock window.
std::vector<metrics::SeriesStats> merge_runs(
    const std::vector<std::vector<metrics::SeriesStats>>& runs);

}  // namespace lg::results
