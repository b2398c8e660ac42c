#include "harness/report/plots.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "harness/core/errors.hpp"
#include "harness/report/gnuplot.hpp"
#include "harness/report/plot_parts.hpp"

namespace lg::report {
namespace detail {

const char* palette(std::size_t i) {
  static constexpr std::array<const char*, 8> kColours = {
      "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999"};
  return kColours[i % kColours.size()];
}

std::string num(double v) {
  if (!std::isfinite(v)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string file_stem(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

void ValueRange::add(double v) {
  if (!std::isfinite(v) || v <= 0) return;
  lo = lo == 0 ? v : std::min(lo, v);
  hi = std::max(hi, v);
}

std::string ValueRange::y_axis() const {
  if (hi <= 0) return "unset logscale y\nset yrange [0:*]\n";
  if (hi / lo > kLogSpan) {
    // Widened so no line runs along the frame.
    return "set logscale y\nset format y '%g'\nset yrange [" + num(lo / 1.5) + ":" + num(hi * 1.5) +
           "]\n";
  }
  return "unset logscale y\nset format y '%g'\nset yrange [0:" + num(hi * 1.1) + "]\n";
}

std::string body_prelude(const std::string& title, int panels) {
  return "reset\n"
         "set encoding utf8\n"
         "set multiplot layout " +
         std::to_string(panels) + ",1 title " + gp_quote(title) +
         " font ',13'\n"
         "set lmargin at screen 0.08\n"
         "set rmargin at screen 0.80\n"
         "set border lc rgb '#444444'\n"
         "set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1\n"
         "set key outside right top samplen 2 spacing 1.1\n";
}

}  // namespace detail

std::vector<PlotJob> plan_plots(const RunData& run) {
  std::vector<PlotJob> jobs;
  for (auto* build : {&detail::latency_plot, &detail::throughput_plot, &detail::spectrum_plot,
                      &detail::bars_plot}) {
    if (auto job = build(run)) jobs.push_back(std::move(*job));
  }
  return jobs;
}

std::string gnuplot_script(const PlotJob& job) {
  const std::string size = std::to_string(job.width_px) + "," + std::to_string(job.height_px);
  const std::string& name = job.figure.name;
  // One body, two terminals: replot cannot redraw a multiplot, so the body is repeated.
  return "# " + job.figure.title + "\n" +                                                //
         "set terminal svg size " + size +                                               //
         " dynamic noenhanced font 'sans,11' background '#ffffff'\n" +                   //
         "set output " + gp_quote(name + ".svg") + "\n" + job.body + "unset output\n" +  //
         "set terminal pngcairo size " + size +                                          //
         " noenhanced font 'sans,10' background '#ffffff'\n" +                           //
         "set output " + gp_quote(name + ".png") + "\n" + job.body + "unset output\n";
}

std::vector<Figure> render_plots(const std::vector<PlotJob>& jobs,
                                 const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InfraError("report: cannot create " + dir.string() + ": " + ec.message());
  std::vector<Figure> out;
  for (const auto& job : jobs) {
    for (const auto& [file, content] : job.data) write_file(dir / file, content);
    const std::string script = job.figure.name + ".gp";
    write_file(dir / script, gnuplot_script(job));
    run_gnuplot(dir, script);
    Figure f = job.figure;
    f.svg = dir / (f.name + ".svg");
    f.png = dir / (f.name + ".png");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace lg::report
