#pragma once
// Folds the interval snapshots of a run into per-stage series and per-interval time-series rows.
// It sees aggregated snapshots only, never recorder internals.

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "harness/exec/interval_clock.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/metrics/series_stats.hpp"
#include "harness/scenario/model.hpp"

namespace lg::results {

/// One row of timeseries.csv: one series over one interval. Latencies in ms.
struct TimeseriesRow {
  std::string option;
  std::string stage;
  double t_start_s = 0;  ///< since this option's (first trial's) measured start
  double t_end_s = 0;
  std::string metric;
  Tags tags;  ///< slot tags (query, kind, during_refresh)
  std::int64_t count = 0;
  std::int64_t errors = 0;
  ErrorCounts by_class{};  ///< `errors` split by class (trend series)
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  int vus = 0;
  bool refresh_in_flight = false;
  int trial = 1;  ///< 1-based
};

/// Stage tag value: the stage's name, else its 0-based index.
std::string stage_tag(const scenario::ExecutorSpec& spec, std::size_t stage);

class RunAggregate {
 public:
  /// Starts collecting for one option (one trial of it); its snapshots use `slots` and `spec`'s
  /// stages. `trial` is 1-based; 0 means the run has one trial only, whose series carry no
  /// `trial` tag (the same results keys as before trials). `offset` (ns) is added to interval
  /// times in timeseries rows: the time since the option's first trial started, so that the
  /// trials of one option follow each other on one time axis.
  void begin_option(const std::string& option, const std::vector<metrics::SlotSpec>& slots,
                    const scenario::ExecutorSpec& spec, int trial = 0, Nanos offset = 0);
  /// Adds one interval of the current option.
  void add_interval(const exec::IntervalInfo& info, std::vector<metrics::SlotData>&& data);

  /// Every series, tagged with option and stage (plus the slot's own tags); trend series also
  /// yield a derived rate series "<prefix>_failed" (hits = errors), e.g. sql_failed, and
  /// http_req_duration / iteration_duration yield the counters http_reqs / iterations. A
  /// series' seconds are the real length of the intervals its stage was collected in.
  std::vector<metrics::SeriesStats> series() const;
  const std::vector<TimeseriesRow>& timeseries() const noexcept { return rows_; }
  /// Values that were out of the histogram's range (counted, never clamped).
  std::int64_t out_of_range() const noexcept { return out_of_range_; }

 private:
  struct Key {
    std::string option;
    int trial;
    std::size_t stage;
    std::size_t slot;
    auto operator<=>(const Key&) const = default;
  };
  std::string option_;
  int trial_ = 0;
  Nanos offset_ = 0;
  const scenario::ExecutorSpec* spec_ = nullptr;
  std::vector<metrics::SlotSpec> slots_;
  std::map<std::string, std::vector<metrics::SlotSpec>> slots_by_option_;
  std::map<std::string, const scenario::ExecutorSpec*> spec_by_option_;
  std::map<Key, metrics::SlotData> totals_;
  /// Collected time per (option, trial, stage).
  std::map<std::tuple<std::string, int, std::size_t>, Nanos> stage_ns_;
  std::vector<TimeseriesRow> rows_;
  std::int64_t out_of_range_ = 0;
};

/// True for the *_duration trends, which get a derived *_failed rate series.
bool derives_failed_rate(const std::string& metric);

/// Rate-metric name derived from a trend: sql_duration -> sql_failed,
/// mv_refresh_duration -> mv_refresh_failed, http_req_duration -> http_req_failed.
std::string failed_metric_for(const std::string& trend_metric);

}  // namespace lg::results
