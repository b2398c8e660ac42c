#pragma once
// `loadgate report <run>`: report.html with gnuplot plots (SVG and PNG) from a run folder.

#include <filesystem>

namespace lg::report {

/// What `loadgate report` was asked to do.
struct ReportOptions {
  std::filesystem::path run;  ///< results/<run>
  std::filesystem::path out;  ///< where report.html and the images go; empty: the run folder
};

/// Writes report.html and its plots. Returns 0. Throws InputError (exit 2) for a missing or
/// malformed run folder, InfraError (exit 3) when gnuplot is missing or fails.
int execute_report(const ReportOptions& options);

}  // namespace lg::report
