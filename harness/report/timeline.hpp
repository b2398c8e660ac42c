#pragma once
// What the plots show, computed from a run folder's data: per-interval read latency and
// throughput, stage boundaries, refresh spans and percentile spectra. Pure functions, no I/O.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/metrics/histogram.hpp"
#include "harness/metrics/series_stats.hpp"
#include "harness/report/run_data.hpp"

namespace lg::report {

/// One interval of one option, every read series combined. Latencies in ms.
struct IntervalPoint {
  double t_start_s = 0;  ///< since the option's measured start
  double t_end_s = 0;
  std::int64_t reads = 0;    ///< completed reads (errors included)
  std::int64_t errors = 0;   ///< reads that failed
  std::int64_t dropped = 0;  ///< dropped_iterations (open model: no free VU at the start time)
  /// Of the interval's reads: exact (their histograms merged) when `exact_percentiles`, else
  /// the count-weighted mean over the read rows' percentiles.
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
  double max_ms = 0;  ///< exact: max over the read rows
  int vus = 0;
  bool exact_percentiles = false;

  /// Interval length, s.
  double seconds() const { return t_end_s - t_start_s; }
  /// Per second over the interval; 0 for an empty interval.
  double per_second(std::int64_t n) const;
};

/// The intervals of `option` in time order. An interval has several rows: one per query or
/// request, and one each side of a refresh start or stage boundary. Counts and the max come from
/// the rows. The percentiles come from `exact` (read_interval_percentiles of the run's
/// latency.hlog for this option; times relative to the run start, aligned here by the first
/// interval with reads) where an interval there has the same start (within 2 ms) and as many
/// samples as the rows. Otherwise (no log, a sample out of the histogram's range) they fall back
/// to the count-weighted mean of the rows' percentiles, which lies between the parts' but is not
/// the mixture's percentile. Intervals with no read and no drop are absent (the writer skips
/// empty series).
std::vector<IntervalPoint> interval_points(const std::vector<IntervalRow>& rows,
                                           const std::string& option, const ReadSeries& reads,
                                           const std::vector<IntervalPercentiles>& exact = {});

/// Where a stage begins, seconds since the option's measured start.
struct StageMark {
  double t_s = 0;
  std::string tag;  ///< the stage's name, else its 0-based index
};

/// The first interval start of each stage of `option`, in time order.
std::vector<StageMark> stage_marks(const std::vector<IntervalRow>& rows, const std::string& option);

/// A time span in seconds since the option's measured start.
struct Span {
  double from_s = 0;
  double to_s = 0;
  bool ok = true;
};

/// The refreshes of one option (summary.json options.<o>.refreshes: start_s, duration_ms, ok) as
/// spans from start_s to start_s + duration_ms / 1000, in time order. Missing fields: none.
std::vector<Span> refresh_spans(const nlohmann::json& option_summary);

/// A fault injected during the run (a rollout scenario's [[faults]]), e.g. view_unavailable.
struct Fault {
  double from_s = 0;  ///< since the option's measured start
  double to_s = 0;
  std::string what;  ///< the fault's action
};

/// Faults from summary.json options.<o>.steps: a "<action> begin" step up to the next
/// "<action> end" step, or up to `end_s` when the run ended first. In time order.
std::vector<Fault> fault_spans(const nlohmann::json& option_summary, double end_s);

/// Lost connections as spans to draw like faults (what = "connection lost"): each background
/// activity's "lost" event (summary.json options.<o>.health.connection_events) up to its next
/// "reconnected" (or `end_s`), and each interval in which the VUs lost connections
/// (timeseries rows of connections_lost). In time order.
std::vector<Fault> connection_spans(const std::vector<IntervalRow>& rows, const std::string& option,
                                    const nlohmann::json& option_summary, double end_s);

/// One point of a percentile spectrum (HdrHistogram's percentile distribution plot).
struct SpectrumPoint {
  double percentile = 0;  ///< 0..100
  double x = 1;           ///< 1 / (1 - percentile / 100): the plot's log-scale axis
  double ms = 0;          ///< value at the percentile, ms
};

/// Spectrum of a histogram of µs, at HdrHistogram's reporting levels (outputPercentileDistribution
/// with `ticks_per_half` ticks per halving of the distance to 100%: 0, 10 … 50, 55 … 75, 77.5 …).
/// Levels stop where 1/(1-p) passes the sample count (finer levels repeat the same samples);
/// the max is appended at x = count. Values are capped at the exact max (a percentile reports
/// its bucket's upper bound). Empty for an empty histogram.
std::vector<SpectrumPoint> percentile_spectrum(const metrics::Histogram& hist_us,
                                               int ticks_per_half = 5);

/// Names of the queries (SQL) or requests (HTTP) of the run in first-seen order over the
/// options' summaries.
std::vector<std::string> entry_names(const RunData& run, const ReadSeries& reads);

/// The read histogram of `option` × entry `name` merged over stages and refresh phases from
/// series.json; nullopt when the run has no such series.
std::optional<metrics::SeriesStats> merged_entry(const RunData& run, const ReadSeries& reads,
                                                 const std::string& option,
                                                 const std::string& name);

}  // namespace lg::report
