#pragma once
// k6 thresholds: parse "sql_duration{query:sku_lookup}" = ["p(95)<20", "avg<5"] and evaluate
// them against aggregated series (https://grafana.com/docs/k6/latest/using-k6/thresholds/).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/tags.hpp"
#include "harness/metrics/series_stats.hpp"

namespace lg::gate {

/// Aggregation methods of k6: p(N), avg, min, max, med (trend); rate (rate, counter per-second);
/// count (counter).
enum class Aggregation { kPercentile, kAvg, kMin, kMax, kMed, kRate, kCount };
enum class Op { kLess, kLessEq, kGreater, kGreaterEq, kEqual, kNotEqual };

/// The second series of a ratio threshold, `ratio(A, B)`.
struct RatioDenominator {
  std::string metric;
  Tags filter;  ///< sorted
  metrics::MetricKind kind = metrics::MetricKind::kTrend;
};

/// One parsed threshold expression. For trend aggregations `limit` is in milliseconds
/// (a unit suffix "us"/"ms"/"s"/"m" is converted); for rate/count it is a plain number; for a
/// ratio it is the plain quotient.
struct Threshold {
  std::string metric;  ///< e.g. "sql_duration"
  Tags filter;         ///< tag filter from braces, sorted
  /// `{class:connection}` on a *_failed rate: only that error class's failures count as hits
  /// (over every sample of the matched series). Not part of `filter`.
  std::optional<ErrorClass> error_class;
  /// `ratio(A, B)`: the threshold judges agg(A) / agg(B); metric, filter and kind above are A.
  /// A ratio between options of one run cancels the machine's speed, so it gates alike on any
  /// machine (issue 14), e.g. ratio(sql_duration{option:C}, sql_duration{option:A}): p(95)<1.5.
  std::optional<RatioDenominator> denominator;
  metrics::MetricKind kind = metrics::MetricKind::kTrend;
  Aggregation agg = Aggregation::kPercentile;
  double percentile = 0;  ///< for kPercentile, in (0, 100]
  Op op = Op::kLess;
  double limit = 0;
  bool abort_on_fail = false;  ///< k6 abortOnFail: stop the run as soon as it is crossed
  Nanos delay_abort_eval = 0;  ///< k6 delayAbortEval: no abort check before this much run time
  std::string selector;        ///< source text of the key, e.g. "sql_duration{query:x}"
  std::string source;          ///< source text of the expression, e.g. "p(95)<20"
  SourceLoc at;                ///< where the expression was written
};

/// Parses one threshold: selector `metric{key:value,...}` (blanks tolerated around tokens; a
/// value may contain ':' and may be quoted) and expression `agg op value[unit]` with agg in
/// p(N) (N in (0, 100], decimals allowed), avg, min, max, med, rate, count and op in
/// < <= > >= == != (k6's === is read as ==). Units us/ms/s/m (default ms) only on trend
/// aggregations. Throws InputError(at, field = trimmed selector) whose message quotes the
/// expression and the offending token, e.g. `threshold "p(95)<<20": unexpected token "<20"`,
/// when either text is malformed, the metric is not built in, or the aggregation does not fit
/// the metric's kind (p/avg/min/max/med: trend; rate: rate or counter; count: counter), or a
/// `class` tag is on a metric other than sql_failed / http_req_failed / mv_refresh_failed or
/// names no error class (connection, conflict, canceled, server, timeout, check). A selector
/// `ratio(A, B)` with two such selectors of one metric kind (no `class` tag) makes a ratio
/// threshold: the aggregation applies to each side and the limit is a plain number (a unit is
/// refused).
Threshold parse_threshold(std::string_view selector, std::string_view expression,
                          const SourceLoc& at);

/// Outcome of one threshold over a run.
struct ThresholdResult {
  Threshold threshold;
  std::optional<double> observed;  ///< ms for trend aggregations; nullopt when no samples
  bool passed = false;             ///< false also when a trend/rate has no samples
  std::int64_t samples = 0;        ///< samples (or counter sum) the value was computed from
  std::string detail;              ///< e.g. "no samples matched"
};

/// Evaluates each threshold over the union of matching series (metric and kind equal,
/// filter ⊆ tags), in order. Pure: no I/O. Trend: histograms merged (throws
/// std::invalid_argument if their layouts differ), observed value in ms; percentiles follow
/// HdrHistogram (highest equivalent value of the bucket reached), med = p(50). Rate:
/// sum(hits) / sum(count). Counter count: sum(count), 0 when nothing matched. Counter rate:
/// sum(count) / max(seconds) over matching series, since series differing only by tags span the
/// same wall-clock window; 0 when nothing matched. Trends and rates with no samples fail with
/// detail "no samples matched"; a counter rate with samples but no measured time fails too.
/// A ratio is agg(A) / agg(B) (`samples` those of A); it fails when either side has no value or
/// B's is 0.
std::vector<ThresholdResult> evaluate(const std::vector<Threshold>& thresholds,
                                      const std::vector<metrics::SeriesStats>& series);

/// Human text of an operator ("<", "<=", ...).
std::string_view op_text(Op op);

}  // namespace lg::gate
