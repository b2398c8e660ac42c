#pragma once
// Aggregated data of one metric series over a window: what thresholds, summaries and sinks read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/error_class.hpp"
#include "harness/core/tags.hpp"
#include "harness/metrics/histogram.hpp"

namespace lg::metrics {

/// k6 metric types. Trend: a distribution (histogram of µs). Rate: fraction of non-zero samples
/// (e.g. failed requests). Counter: a sum (e.g. dropped_iterations).
enum class MetricKind { kTrend, kRate, kCounter };

/// Kind of a built-in metric name ("sql_duration" -> kTrend), nullopt when unknown.
std::optional<MetricKind> builtin_metric_kind(std::string_view metric);

/// One metric series (name + tags) aggregated over `seconds` of measured time.
struct SeriesStats {
  std::string metric;
  MetricKind kind = MetricKind::kTrend;
  Tags tags;
  std::optional<Histogram> hist;  ///< trend only; values in µs
  std::int64_t count = 0;         ///< trend/rate: samples; counter: the sum
  std::int64_t hits = 0;          ///< rate: non-zero samples; trend: samples that errored
  double seconds = 0;             ///< window length (throughput, counter rate)
  /// Trend and its derived *_failed rate: `hits` split by error class. A threshold on
  /// `sql_failed{class:connection}` counts that class's hits over every sample.
  ErrorCounts by_class{};
};

}  // namespace lg::metrics
