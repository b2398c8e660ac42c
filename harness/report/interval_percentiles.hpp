#pragma once
// Exact read percentiles per interval from latency.hlog. An interval holds one histogram per
// query (or request) and refresh phase; the percentile of the interval's reads is taken from
// their merged histogram, because percentiles of the parts do not combine into the whole's
// (a 2% share of 150 ms searches moves a weighted mean of p50s tenfold and the true p50 not at
// all).

#include <istream>

#include "harness/report/run_data.hpp"

namespace lg::report {

/// Streams an interval log written by `loadgate run` (or `merge`) and merges, per option and
/// interval start (to the ms), the histograms (µs) whose tag names one of `reads` (metric and
/// kind). Other lines (writes, service time, refreshes, untagged) are skipped. Holds only a few
/// intervals at once: the writer emits an interval's lines together. An interval whose lines
/// come apart in the log is left out (its start is ambiguous), and the caller falls back.
/// Throws std::invalid_argument on a malformed log.
ReadPercentiles read_interval_percentiles(std::istream& hlog, const ReadSeries& reads);

}  // namespace lg::report
