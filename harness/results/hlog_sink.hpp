#pragma once
// latency.hlog: every interval's trend histograms streamed to an HdrHistogram interval log
// (../shared/REFERENCE.md §2.1), one tag per series, so HdrHistogram's own tools
// (HistogramLogProcessor -outputValueUnitRatio 1000, the plotFiles viewer) can read a run.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/exec/interval_clock.hpp"
#include "harness/metrics/hlog.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/results/hlog_tag.hpp"

namespace lg::results {

class HlogSink {
 public:
  /// Creates `file`; run_start_epoch_s is the run's wall-clock start (StartTime/BaseTime).
  /// Throws InfraError when the file cannot be created.
  HlogSink(const std::filesystem::path& file, double run_start_epoch_s);
  /// Writes one line per trend slot that recorded samples in this interval. option_start_s is
  /// when this option's measured part began, in seconds since the run's start.
  void interval(const std::string& option, const std::string& stage, double option_start_s,
                const exec::IntervalInfo& info, const std::vector<metrics::SlotSpec>& slots,
                const std::vector<metrics::SlotData>& data);

 private:
  std::ofstream out_;
  metrics::HlogWriter writer_;
};

/// Merges interval logs of runs that shared one wall-clock window: intervals of the same tag
/// starting in the same wall-clock second are added. Throws InputError naming a file that is
/// missing or malformed, InfraError when `out` cannot be written.
void merge_hlogs(const std::vector<std::filesystem::path>& in, const std::filesystem::path& out);

/// Wall-clock seconds since the Unix epoch (system_clock).
double epoch_seconds_now();

}  // namespace lg::results
