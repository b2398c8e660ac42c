#pragma once
// `loadgate report <run>`: report.html with gnuplot plots (SVG and PNG) from a run folder.

#include <filesystem>
#include <vector>

namespace lg::report {

/// What `loadgate report` was asked to do.
struct ReportOptions {
  /// results/<run>: one run folder gives report.html; several, or a folder of run folders,
  /// give trend.html (p95 per query over the runs, see trend.hpp).
  std::vector<std::filesystem::path> runs;
  /// Where the page and its images go; empty: the run folder (one run) or the first path.
  std::filesystem::path out;
};

/// Writes report.html (or trend.html) and its plots. Returns 0. Throws InputError (exit 2) for
/// a missing or malformed run folder, InfraError (exit 3) when gnuplot is missing or fails.
int execute_report(const ReportOptions& options);

}  // namespace lg::report
