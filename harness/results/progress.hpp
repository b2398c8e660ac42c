#pragma once
// The live progress display on stderr, in the style of k6's: option, stage, elapsed/total,
// VUs, the last interval's rate, p95 of reads so far, errors, refreshes. On a terminal it
// redraws one line in place; otherwise (CI logs) it prints a plain line every 5 s.

#include <cstdio>
#include <string>
#include <vector>

#include "harness/exec/interval_clock.hpp"
#include "harness/metrics/histogram.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::results {

class ProgressLine {
 public:
  ProgressLine(std::FILE* out, bool tty) : out_(out), tty_(tty) {}
  /// Starts a new option: resets the running totals.
  void begin_option(const std::string& option, const scenario::ExecutorSpec& spec,
                    const std::vector<metrics::SlotSpec>& slots);
  /// Folds one interval in and redraws (terminal) or prints every 5 s (plain).
  /// `refreshes` is the number of refreshes started so far.
  void interval(const exec::IntervalInfo& info, const std::vector<metrics::SlotData>& data,
                int refreshes);
  /// Ends the option's line (a newline on a terminal).
  void end_option();

 private:
  std::string line(const exec::IntervalInfo& info, double rate, int refreshes) const;

  std::FILE* out_;
  bool tty_;
  std::string option_;
  const scenario::ExecutorSpec* spec_ = nullptr;
  std::vector<bool> is_read_;  ///< per slot: an sql_duration read
  metrics::Histogram reads_;
  std::int64_t count_ = 0;
  std::int64_t errors_ = 0;
  Nanos last_print_ = 0;
};

}  // namespace lg::results
