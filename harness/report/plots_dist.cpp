// Plots of whole-run distributions: percentile spectra and per-option bars.
#include <algorithm>
#include <cmath>

#include "harness/report/gnuplot.hpp"
#include "harness/report/plot_parts.hpp"
#include "harness/report/timeline.hpp"

namespace lg::report::detail {
namespace {

using nlohmann::json;

constexpr int kPanelHeight = 320;

// HdrHistogram's axis: 1/(1-p) labelled with the percentile it stands for. Tic labels are
// gnuplot format strings, hence %%.
std::string spectrum_xtics(double xmax) {
  static constexpr std::pair<double, const char*> kTicks[] = {
      {1, "0%%"},       {2, "50%%"},       {10, "90%%"},       {100, "99%%"},      {1e3, "99.9%%"},
      {1e4, "99.99%%"}, {1e5, "99.999%%"}, {1e6, "99.9999%%"}, {1e7, "99.99999%%"}};
  std::string s = "set xtics (";
  for (const auto& [x, label] : kTicks) {
    if (x > xmax * 1.0001 && x > 10) break;
    if (x > 1) s += ", ";
    s += gp_quote(label) + " " + num(x);
  }
  return s + ")\n";
}

std::string spectrum_data(const std::vector<SpectrumPoint>& points) {
  std::string s = "# percentile x=1/(1-p) ms\n";
  for (const auto& p : points) s += num(p.percentile) + " " + num(p.x) + " " + num(p.ms) + "\n";
  return s;
}

// The whole-run statistics summary.json keeps per option × entry under "all".
double entry_stat(const RunData& run, const std::string& option, const char* section,
                  const std::string& name, const char* stat) {
  const json& v = json_at(run.option_summary(option), {section, name, "all", stat});
  return v.is_number() ? v.get<double>() : std::nan("");
}

// A name for a gnuplot data file's quoted string column.
std::string data_label(const std::string& name) {
  std::string out;
  for (char c : name)
    out += (c == '"' || c == '\\' || static_cast<unsigned char>(c) <= ' ') ? '_' : c;
  return "\"" + out + "\"";
}

// One option's panel: a line per entry with a histogram; "" when it has none. Adds the data
// files to `job` and widens the axes.
std::string spectrum_panel(const RunData& run, const ReadSeries& reads,
                           const std::vector<std::string>& names, const std::string& option,
                           PlotJob* job, double* xmax, ValueRange* y) {
  std::string plot;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto merged = merged_entry(run, reads, option, names[i]);
    if (!merged || !merged->hist || merged->hist->count() == 0) continue;
    const auto points = percentile_spectrum(*merged->hist);
    const std::string file = "spectrum_" + file_stem(option) + "_" + std::to_string(i) + ".dat";
    job->data.emplace_back(file, spectrum_data(points));
    for (const auto& p : points) y->add(p.ms);
    *xmax = std::max(*xmax, points.back().x);
    plot += std::string(plot.empty() ? "plot " : ", ") + gp_quote(file) +
            " using 2:3 with lines lw 2 lc rgb '" + palette(i) + "' title " + gp_quote(names[i]);
  }
  if (plot.empty()) return "";
  return "set title " + gp_quote("option " + option) + "\n" + plot + "\n";
}

constexpr const char* kBarStats[] = {"p50_ms", "p95_ms", "p99_ms"};
constexpr const char* kBarFile = "percentiles_by_option.dat";

// Rows: an entry's name, then p50 p95 p99 of each option in turn (NaN where it has none).
std::string bars_data(const RunData& run, const char* section,
                      const std::vector<std::string>& names,
                      const std::vector<std::string>& options, ValueRange* y) {
  std::string data = "# name, then p50 p95 p99 (ms) of each option in turn\n";
  for (const auto& name : names) {
    data += data_label(name);
    for (const auto& o : options) {
      for (const char* stat : kBarStats) {
        const double v = entry_stat(run, o, section, name, stat);
        y->add(v);
        data += " " + num(v);
      }
    }
    data += "\n";
  }
  return data;
}

// One panel per percentile; in each, a cluster per entry with a bar per option.
std::string bars_panels(const std::string& what, const std::vector<std::string>& options) {
  std::string body;
  for (std::size_t k = 0; k < std::size(kBarStats); ++k) {
    body += "set title " + gp_quote(std::string(kBarStats[k]).substr(0, 3) + " per " + what) +
            "\nplot ";
    for (std::size_t i = 0; i < options.size(); ++i) {
      body += std::string(i ? ", '' " : gp_quote(kBarFile) + " ") + "using " +
              std::to_string(2 + i * std::size(kBarStats) + k) + (i ? "" : ":xtic(1)") +
              " lc rgb '" + palette(i) + "' title " + gp_quote("option " + options[i]);
    }
    body += "\n";
  }
  return body;
}

}  // namespace

std::optional<PlotJob> spectrum_plot(const RunData& run) {
  if (!run.has_series) return std::nullopt;
  const ReadSeries reads = read_series(run.is_http());
  const auto names = entry_names(run, reads);
  PlotJob job;
  std::string panels;
  int count = 0;
  double xmax = 10;
  ValueRange y;
  for (const auto& o : run.options) {
    const std::string panel = spectrum_panel(run, reads, names, o, &job, &xmax, &y);
    panels += panel;
    count += panel.empty() ? 0 : 1;
  }
  if (count == 0) return std::nullopt;
  const std::string what = run.is_http() ? "request" : "query";
  job.figure = {"percentile_spectrum",
                "Percentile spectrum",
                "Latency at each percentile of the whole measured run, per " + what +
                    " (HdrHistogram style: the x axis is 1/(1-p) on a log scale, so each "
                    "decade is one more nine). The last point of a line is the maximum.",
                {},
                {}};
  job.height_px = kPanelHeight * count + 60;
  job.body = body_prelude("Latency by percentile, per " + what, count) + "set logscale x\n" +
             y.y_axis() + spectrum_xtics(xmax) + "set xrange [1:" + num(xmax) +
             "]\nset xlabel 'percentile'\nset ylabel 'latency (ms)'\n" + panels +
             "unset multiplot\n";
  return job;
}

std::optional<PlotJob> bars_plot(const RunData& run) {
  const ReadSeries reads = read_series(run.is_http());
  const char* section = reads.tag == "request" ? "requests" : "queries";
  const auto names = entry_names(run, reads);
  std::vector<std::string> options;
  for (const auto& o : run.options) {
    const json& entries = json_at(run.option_summary(o), {section});
    if (entries.is_object() && !entries.empty()) options.push_back(o);
  }
  if (options.size() < 2 || names.empty()) return std::nullopt;
  const std::string what = run.is_http() ? "request" : "query";
  PlotJob job;
  job.figure = {"percentiles_by_option",
                "p50 / p95 / p99 per " + what + " and option",
                "Whole-run percentiles of each " + what +
                    " on each schema option side by side (from summary.json).",
                {},
                {}};
  ValueRange y;
  job.data.emplace_back(kBarFile, bars_data(run, section, names, options, &y));
  job.height_px = kPanelHeight * 3 + 100;
  job.body = body_prelude("Percentiles per " + what + " and option", 3) +
             "set style data histogram\nset style histogram clustered gap 1\n"
             "set style fill solid 0.9 border lc rgb '#333333'\n" +
             y.y_axis() +
             "set ylabel 'latency (ms)'\nset xtics rotate by 25 right nomirror\n"
             "set grid noxtics ytics\n" +
             bars_panels(what, options) + "unset multiplot\n";
  return job;
}

}  // namespace lg::report::detail
