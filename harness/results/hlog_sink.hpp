#pragma once
// latency.hlog: every interval's trend histograms streamed to an HdrHistogram interval log
// (HdrHistogram's HistogramLogWriter format), one tag per series, so HdrHistogram's own tools
// (HistogramLogProcessor -outputValueUnitRatio 1000, the plotFiles viewer) can read a run.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/exec/interval_clock.hpp"
#include "harness/metrics/hlog.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/results/hlog_tag.hpp"

namespace lg::results {

/// Streams latency.hlog during a run. A write error (a full disk) never throws from the
/// measured run: the sink says so once on stderr, writes nothing more, and error() holds the
/// message for the run's end, which then fails with exit 3 after writing what it could.
class HlogSink {
 public:
  /// Creates `file` and writes the log's header; run_start_epoch_s is the run's wall-clock
  /// start (StartTime/BaseTime). Throws InfraError naming the file and errno when it cannot be
  /// created or the header cannot be written (before anything is measured).
  HlogSink(const std::filesystem::path& file, double run_start_epoch_s);
  HlogSink(const HlogSink&) = delete;
  HlogSink& operator=(const HlogSink&) = delete;
  /// Closes the file (see close()).
  ~HlogSink();
  /// Writes one line per trend slot that recorded samples in this interval, then checks the
  /// write. option_start_s is when this option's measured part (this trial of it) began, in
  /// seconds since the run's start. `trial` ("" for a one-trial run) becomes a `trial` tag.
  /// Never throws for I/O errors.
  void interval(const std::string& option, const std::string& stage, double option_start_s,
                const exec::IntervalInfo& info, const std::vector<metrics::SlotSpec>& slots,
                const std::vector<metrics::SlotData>& data, const std::string& trial = {});
  /// fsyncs and closes the file; idempotent. A failure becomes error() if none came before.
  void close() noexcept;
  /// "cannot write <file>: <strerror>" of the first failed write; "" while all went well.
  const std::string& error() const { return error_; }

 private:
  // Moves what the writer buffered to the file; on the first failure records error_.
  void drain() noexcept;

  std::filesystem::path file_;
  int fd_ = -1;
  std::ostringstream buffer_;
  metrics::HlogWriter writer_;
  std::string error_;
};

/// Merges interval logs of runs that shared one wall-clock window: intervals of the same tag
/// starting in the same wall-clock second are added. Throws InputError naming a file that is
/// missing or malformed, InfraError when `out` cannot be written.
void merge_hlogs(const std::vector<std::filesystem::path>& in, const std::filesystem::path& out);

/// Wall-clock seconds since the Unix epoch (system_clock).
double epoch_seconds_now();

}  // namespace lg::results
