#pragma once
// Figures across the trials of a run (Scenario::trials): each trial's percentiles and throughput
// from its own histograms, and the median across trials with a distribution-free confidence
// interval, as summary.json and the console show them.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/results/stats.hpp"

namespace lg::results {

/// The median of independent values and a confidence interval for the population median from
/// order statistics: [x(k), x(n+1-k)] covers it with probability 1 - 2·P(Binomial(n, ½) < k),
/// whatever the distribution (Conover, Practical Nonparametric Statistics, §3.2). `level` is
/// the coverage reached, the highest not above the one asked for; when even [min, max] falls
/// short of it (n < 6 at 95%), the interval is [min, max] and `level` says how much it covers
/// (5 trials: 93.75%).
struct MedianInterval {
  double median = 0;
  double lower = 0, upper = 0;
  double level = 0;
  std::size_t n = 0;
};

/// The median of `values` and its interval at `level` in (0, 1); nullopt when empty.
std::optional<MedianInterval> median_interval(std::vector<double> values, double level = 0.95);

/// One trial's figures of one entry (query, request, all reads).
struct TrialStats {
  std::string trial;  ///< the `trial` tag value ("1", "2", …)
  LatencyStats stats;
};

/// Per trial, in trial order, the merge of every series of `metric` matching `filter` and that
/// trial. Empty when the series carry no `trial` tag (a run of one trial).
std::vector<TrialStats> per_trial(const std::vector<metrics::SeriesStats>& all,
                                  const std::string& metric, const Tags& filter);

/// The figures compared across trials, with their summary.json keys: p50_ms, p95_ms, p99_ms
/// (ms) and throughput_per_s (/s).
inline constexpr const char* kTrialFigures[] = {"p50_ms", "p95_ms", "p99_ms", "throughput_per_s"};

/// The figure `key` (one of kTrialFigures) of `s`.
double trial_figure(const LatencyStats& s, const std::string& key);

/// {"n": 5, "p95_ms": {"values": [...], "median": m, "ci": [lo, hi], "ci_level": 0.9375}, …}
/// for every figure of kTrialFigures; null when `trials` is empty.
nlohmann::json trials_json(const std::vector<TrialStats>& trials);

}  // namespace lg::results
