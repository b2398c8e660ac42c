#pragma once
// Pieces shared by the plot builders (report/ internal).

#include <optional>
#include <string>
#include <string_view>

#include "harness/report/plots.hpp"
#include "harness/report/run_data.hpp"

namespace lg::report::detail {

/// Okabe–Ito colours (readable for colour-blind readers, on white); cycled for many entries.
const char* palette(std::size_t i);
/// Colours of the p50, p95 and p99 lines.
inline constexpr const char* kP50Colour = "#0072B2";
inline constexpr const char* kP95Colour = "#E69F00";
inline constexpr const char* kP99Colour = "#D55E00";

/// `v` for a gnuplot script or data file ("%.6g"; NaN for a missing value).
std::string num(double v);

/// `text` reduced to [A-Za-z0-9_-] for file names made from option letters and entry names.
std::string file_stem(std::string_view text);

/// The positive range of the values a latency axis shows.
struct ValueRange {
  double lo = 0;  ///< smallest positive value added; 0 while empty
  double hi = 0;
  /// Ignores values that are not finite and positive (a log axis cannot show them).
  void add(double v);
  /// gnuplot commands for the y axis (ms): a log scale when the values span more than
  /// kLogSpan (tails of latency are orders of magnitude above the median), else linear from 0,
  /// where a log axis would show a single tick label.
  std::string y_axis() const;
  static constexpr double kLogSpan = 20;
};

/// Commands every body starts with: reset, fonts, grid and panel margins fixed in screen
/// coordinates so the stacked panels of a multiplot line up whatever their tick labels.
std::string body_prelude(const std::string& title, int panels);

/// Latency over time: p50/p95/p99 of the reads per interval, one panel per option, stage
/// boundaries and refreshes marked. nullopt when no option has read rows.
std::optional<PlotJob> latency_plot(const RunData& run);
/// Reads, errors and dropped iterations per second, one panel per option. nullopt without rows.
std::optional<PlotJob> throughput_plot(const RunData& run);
/// HdrHistogram-style percentile spectrum per option, one line per query or request.
/// nullopt without series.json histograms.
std::optional<PlotJob> spectrum_plot(const RunData& run);
/// Grouped bars of p50/p95/p99 per query and option from summary.json. nullopt for fewer than
/// two options with statistics.
std::optional<PlotJob> bars_plot(const RunData& run);

}  // namespace lg::report::detail
