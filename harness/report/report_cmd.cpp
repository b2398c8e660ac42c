#include "harness/report/report_cmd.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness/core/errors.hpp"
#include "harness/report/gnuplot.hpp"
#include "harness/report/html.hpp"
#include "harness/report/plots.hpp"
#include "harness/report/run_data.hpp"
#include "harness/report/trend.hpp"

namespace lg::report {
namespace {

// Sub-folder of the output folder holding each plot's data, script, SVG and PNG.
constexpr const char* kPlotDir = "plots";

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InfraError("report: gnuplot did not write " + file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Why a reader sees fewer plots than usual.
std::vector<std::string> notes_for(const RunData& run, const std::vector<PlotJob>& jobs) {
  std::vector<std::string> notes;
  if (!run.has_timeseries) {
    notes.push_back("timeseries.csv is missing: no plots over time.");
  } else if (jobs.empty() || jobs.front().figure.name != "latency_over_time") {
    notes.push_back("timeseries.csv holds no reads: no plots over time.");
  }
  if (!run.has_series) notes.push_back("series.json is missing: no percentile spectrum.");
  return notes;
}

std::vector<PageFigure> page_of(const std::vector<Figure>& figures) {
  std::vector<PageFigure> page;
  for (const auto& f : figures) {
    const std::string dir = std::string(kPlotDir) + "/";
    page.push_back({f, read_text(f.svg), dir + f.name + ".png", dir + f.name + ".svg"});
  }
  return page;
}

int execute_trend(const ReportOptions& options) {
  const auto runs = read_trend(options.runs);
  const std::filesystem::path out = options.out.empty() ? options.runs.front() : options.out;
  const auto figures = render_plots({plan_trend_plot(runs)}, out / kPlotDir);
  const auto html = out / "trend.html";
  write_file(html, render_trend_html(runs, page_of(figures)));
  std::printf("trend: %s (%zu runs)\n", html.c_str(), runs.size());
  return 0;
}

bool is_one_run(const std::vector<std::filesystem::path>& paths) {
  std::error_code ec;
  return paths.size() == 1 && (std::filesystem::exists(paths[0] / "summary.json", ec) ||
                               std::filesystem::exists(paths[0] / "series.json", ec) ||
                               !std::filesystem::is_directory(paths[0], ec));
}

}  // namespace

int execute_report(const ReportOptions& options) {
  if (!is_one_run(options.runs)) return execute_trend(options);
  const std::filesystem::path& dir = options.runs.front();
  const RunData run = read_run(dir);
  const std::filesystem::path out = options.out.empty() ? dir : options.out;
  const auto jobs = plan_plots(run);
  const auto figures = render_plots(jobs, out / kPlotDir);
  const auto html = out / "report.html";
  write_file(html, render_html(run, page_of(figures), notes_for(run, jobs)));
  std::printf("report: %s (%zu plots in %s)\n", html.c_str(), figures.size(),
              (out / kPlotDir).c_str());
  return 0;
}

}  // namespace lg::report
