#pragma once
// The metrics `loadgate compare` puts side by side and may gate on.

#include <array>
#include <string_view>

namespace lg::compare {

/// Metric names in table order. p50/p95/p99: latency percentiles (ms). time: Google Benchmark
/// real time per iteration (ms). throughput: completed requests (or benchmark items) per second.
inline constexpr std::array<std::string_view, 5> kMetrics = {"p50", "p95", "p99", "time",
                                                             "throughput"};

/// True for a metric in kMetrics.
inline bool is_metric(std::string_view m) {
  for (auto k : kMetrics) {
    if (k == m) return true;
  }
  return false;
}

/// Latency rises are bad; for throughput a fall is.
inline bool higher_is_worse(std::string_view metric) { return metric != "throughput"; }

/// Unit of a metric's values as printed: "ms" or "/s".
inline std::string_view metric_unit(std::string_view metric) {
  return metric == "throughput" ? "/s" : "ms";
}

}  // namespace lg::compare
