#pragma once
// The report's plots: for each, a data file per panel and a gnuplot script that renders it as
// SVG (inlined into report.html) and PNG (beside it, for slides and CI artifacts).

#include <filesystem>
#include <string>
#include <vector>

#include "harness/report/run_data.hpp"

namespace lg::report {

/// One rendered plot.
struct Figure {
  std::string name;     ///< file stem in the plot folder: <name>.gp, <name>.svg, <name>.png
  std::string title;    ///< heading in report.html
  std::string caption;  ///< how to read it, one or two sentences
  std::filesystem::path svg;
  std::filesystem::path png;
};

/// A plot before rendering: its data files and the gnuplot commands that draw it once.
struct PlotJob {
  Figure figure;
  int width_px = 1100;
  int height_px = 400;
  std::vector<std::pair<std::string, std::string>> data;  ///< file name -> content
  std::string body;  ///< gnuplot commands from `reset` to the last plot; terminal-agnostic
};

/// The plots `run` supports, in report order: latency over time and throughput over time (when
/// timeseries.csv has reads), the percentile spectrum (when series.json has read histograms),
/// and grouped p50/p95/p99 bars (when more than one option has summaries). Options without data
/// (a run cut short) are left out of the panels. Pure: nothing is written.
std::vector<PlotJob> plan_plots(const RunData& run);

/// The full gnuplot script of `job`: its body drawn once on the svg terminal and once on
/// pngcairo, into <name>.svg and <name>.png, relative to the script's folder.
std::string gnuplot_script(const PlotJob& job);

/// Writes every job's data files and script into `dir` (created if needed), runs gnuplot on each
/// and returns the figures with `svg`/`png` set to the files written. Throws InfraError when
/// gnuplot is missing or fails, or on I/O failure.
std::vector<Figure> render_plots(const std::vector<PlotJob>& jobs,
                                 const std::filesystem::path& dir);

}  // namespace lg::report
