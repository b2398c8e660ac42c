#pragma once
// Latency statistics of a merged set of series, as printed and written to summary.json.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/metrics/series_stats.hpp"

namespace lg::results {

/// Summary numbers of one trend. Latencies in ms; throughput in samples per second.
/// `count` is every sample, failed ones included; the latencies are those of the `count -
/// errors` that succeeded (a failure is never a latency sample).
struct LatencyStats {
  std::int64_t count = 0;
  std::int64_t errors = 0;
  ErrorCounts by_class{};  ///< `errors` by class
  double seconds = 0;
  double throughput = 0;
  double min_ms = 0, mean_ms = 0, p50_ms = 0, p90_ms = 0, p95_ms = 0, p99_ms = 0, p999_ms = 0,
         max_ms = 0;
};

/// Merges every trend series of `metric` whose tags include `filter`. `seconds` of the result
/// is the sum of distinct windows: series in the same stage share one window.
std::optional<metrics::SeriesStats> merge_series(const std::vector<metrics::SeriesStats>& all,
                                                 const std::string& metric, const Tags& filter);

/// Percentiles (HdrHistogram rule), mean, min/max and throughput of a merged trend.
LatencyStats latency_stats(const metrics::SeriesStats& merged);

nlohmann::json to_json(const LatencyStats& s);

/// {"connection": 3, "timeout": 1}: the non-zero classes of `by_class`.
nlohmann::json errors_by_class_json(const ErrorCounts& by_class);

/// A rate metric summed over its series: samples and hits (e.g. passed checks).
struct RateSum {
  std::int64_t count = 0;
  std::int64_t hits = 0;
  /// hits / count, 0 without samples.
  double rate() const { return count > 0 ? static_cast<double>(hits) / count : 0.0; }
};

/// Sums every series of the rate metric `metric` whose tags include `filter`.
RateSum sum_rate(const std::vector<metrics::SeriesStats>& all, const std::string& metric,
                 const Tags& filter);

/// Distinct values of tag `key` among series of `metric`, in first-seen order.
std::vector<std::string> tag_values(const std::vector<metrics::SeriesStats>& all,
                                    const std::string& metric, const std::string& key);

}  // namespace lg::results
