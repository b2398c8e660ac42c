// Plots over time: read latency, throughput, errors and dropped iterations per interval.
#include <algorithm>
#include <set>

#include "harness/report/gnuplot.hpp"
#include "harness/report/plot_parts.hpp"
#include "harness/report/timeline.hpp"

namespace lg::report::detail {
namespace {

constexpr int kPanelHeight = 300;
constexpr const char* kRefreshColour = "#F4CCCC";
constexpr const char* kFailedRefreshColour = "#E06666";
constexpr const char* kStageColour = "#666666";
constexpr const char* kFaultColour = "#9E9E9E";
// A hole longer than this between two intervals means no read completed: break the line there.
constexpr double kGapS = 0.5;

struct OptionTimeline {
  std::string option;
  std::vector<IntervalPoint> points;
  std::vector<StageMark> stages;
  std::vector<Span> refreshes;
  std::vector<Fault> faults;
};

std::vector<OptionTimeline> timelines(const RunData& run) {
  const ReadSeries reads = read_series(run.is_http());
  std::vector<OptionTimeline> out;
  for (const auto& o : run.options) {
    static const std::vector<IntervalPercentiles> kNoLog;
    const auto logged = run.read_percentiles.find(o);
    auto points = interval_points(run.rows, o, reads,
                                  logged == run.read_percentiles.end() ? kNoLog : logged->second);
    if (points.empty()) continue;
    const double end = points.back().t_end_s;
    auto faults = fault_spans(run.option_summary(o), end);
    // Lost connections are drawn as faults: what the run suffered, whoever caused it.
    for (auto& f : connection_spans(run.rows, o, run.option_summary(o), end)) {
      faults.push_back(std::move(f));
    }
    out.push_back({o, std::move(points), stage_marks(run.rows, o),
                   refresh_spans(run.option_summary(o)), std::move(faults)});
  }
  return out;
}

double x_max(const std::vector<OptionTimeline>& all) {
  double x = 1;
  for (const auto& t : all) x = std::max(x, t.points.back().t_end_s);
  return x;
}

// Injected faults hatched across the lower band of the panel, so refreshes stay visible.
std::string fault_objects(const OptionTimeline& t, double xmax, int* n) {
  std::string s;
  for (const auto& f : t.faults) {
    if (f.from_s >= xmax) continue;
    s += "set object " + std::to_string((*n)++) + " rect from " + num(f.from_s) + ", graph 0 to " +
         num(std::clamp(f.to_s, f.from_s + xmax / 400.0, xmax)) +
         ", graph 0.06 front fillcolor rgb '" + kFaultColour + "' fillstyle pattern 4 noborder\n";
  }
  return s;
}

// Refreshes shaded behind the data, stage starts as dashed lines labelled with the stage tag.
std::string decorations(const OptionTimeline& t, double xmax) {
  std::string s = "unset object\nunset arrow\nunset label\n";
  int n = 1;
  s += fault_objects(t, xmax, &n);
  for (const auto& r : t.refreshes) {
    if (r.from_s >= xmax) continue;
    // A refresh shorter than a pixel would vanish; give it a visible minimum width.
    const double to = std::clamp(r.to_s, r.from_s + xmax / 400.0, xmax);
    s += "set object " + std::to_string(n++) + " rect from " + num(r.from_s) + ", graph 0 to " +
         num(to) + ", graph 1 behind fillcolor rgb '" +
         (r.ok ? kRefreshColour : kFailedRefreshColour) + "' fillstyle solid 0.7 noborder\n";
  }
  for (const auto& st : t.stages) {
    if (st.t_s > 0) {
      s += "set arrow from " + num(st.t_s) + ", graph 0 to " + num(st.t_s) +
           ", graph 1 nohead lc rgb '" + kStageColour + "' dt 2 lw 1 back\n";
    }
    s += "set label " + gp_quote(st.tag) + " at " + num(st.t_s) +
         ", graph 0.96 left offset 0.5,0 font ',9' textcolor rgb '#444444' front\n";
  }
  return s;
}

// Key entries for the decorations, appended to a plot command.
std::string decoration_keys(const OptionTimeline& t) {
  std::string s;
  if (!t.refreshes.empty()) {
    s += ", keyentry with boxes fc rgb '" + std::string(kRefreshColour) +
         "' fs solid 0.7 noborder title 'MV refresh'";
  }
  if (std::any_of(t.refreshes.begin(), t.refreshes.end(), [](const Span& r) { return !r.ok; })) {
    s += ", keyentry with boxes fc rgb '" + std::string(kFailedRefreshColour) +
         "' fs solid 0.7 noborder title 'failed refresh'";
  }
  std::set<std::string> seen;
  for (const auto& f : t.faults) {
    if (!seen.insert(f.what).second) continue;
    s += ", keyentry with boxes fc rgb '" + std::string(kFaultColour) +
         "' fs pattern 4 noborder title " + gp_quote("fault: " + f.what);
  }
  if (std::any_of(t.stages.begin(), t.stages.end(), [](const StageMark& m) { return m.t_s > 0; })) {
    s +=
        ", keyentry with lines dt 2 lc rgb '" + std::string(kStageColour) + "' title 'stage start'";
  }
  return s;
}

// One line per interval at its midpoint; `row` formats the value columns.
template <class F>
std::string interval_data(const std::vector<IntervalPoint>& points, const std::string& header,
                          F&& row) {
  std::string s = "# t_mid_s " + header + "\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (i > 0 && p.t_start_s - points[i - 1].t_end_s > kGapS) s += "\n";
    s += num((p.t_start_s + p.t_end_s) / 2) + " " + row(p) + "\n";
  }
  return s;
}

std::string panel_header(const RunData& run, const OptionTimeline& t, double xmax) {
  return "set title " + gp_quote("option " + t.option + (run.is_http() ? " (HTTP)" : "")) + "\n" +
         "set xlabel 'time since the option''s measured start (s)'\n" +
         "set xrange [0:" + num(xmax) + "]\n" + decorations(t, xmax);
}

ValueRange latency_range(const std::vector<OptionTimeline>& all) {
  ValueRange y;
  for (const auto& t : all) {
    for (const auto& p : t.points) {
      if (p.reads == 0) continue;
      y.add(p.p50_ms);
      y.add(p.p99_ms);
    }
  }
  return y;
}

// One option's latency panel; its data file goes into `job`.
std::string latency_panel(const RunData& run, const OptionTimeline& t, double xmax, PlotJob* job) {
  const std::string file = "latency_" + file_stem(t.option) + ".dat";
  job->data.emplace_back(
      file, interval_data(t.points, "p50_ms p95_ms p99_ms max_ms", [](const IntervalPoint& p) {
        return num(p.p50_ms) + " " + num(p.p95_ms) + " " + num(p.p99_ms) + " " + num(p.max_ms);
      }));
  return panel_header(run, t, xmax) + "plot " + gp_quote(file) +
         " using 1:2 with lines lw 2 lc rgb '" + kP50Colour + "' title 'p50', '' " +
         "using 1:3 with lines lw 2 lc rgb '" + kP95Colour + "' title 'p95', '' " +
         "using 1:4 with lines lw 2 lc rgb '" + kP99Colour + "' title 'p99'" + decoration_keys(t) +
         "\n";
}

// Both y axes, shared by every panel so options compare at a glance.
std::string throughput_axes(const std::vector<OptionTimeline>& all, const std::string& what) {
  double ymax = 1, y2max = 1;
  for (const auto& t : all) {
    for (const auto& p : t.points) {
      ymax = std::max(ymax, p.per_second(p.reads));
      y2max = std::max({y2max, p.per_second(p.errors), p.per_second(p.dropped)});
    }
  }
  // The right axis needs room between the panel and the key.
  return "set rmargin at screen 0.74\nset ylabel " + gp_quote(what + " per second") +
         "\nset y2label 'errors, dropped per second'\n"
         "set ytics nomirror\nset y2tics\nset yrange [0:" +
         num(ymax * 1.1) + "]\nset y2range [0:" + num(y2max * 1.1) + "]\n";
}

// One option's throughput panel; its data file goes into `job`.
std::string throughput_panel(const RunData& run, const OptionTimeline& t, double xmax,
                             const std::string& what, PlotJob* job) {
  const std::string file = "throughput_" + file_stem(t.option) + ".dat";
  job->data.emplace_back(
      file,
      interval_data(t.points, "per_s errors_per_s dropped_per_s vus", [](const IntervalPoint& p) {
        return num(p.per_second(p.reads)) + " " + num(p.per_second(p.errors)) + " " +
               num(p.per_second(p.dropped)) + " " + std::to_string(p.vus);
      }));
  return panel_header(run, t, xmax) + "plot " + gp_quote(file) +
         " using 1:2 with lines lw 2 lc rgb '" + palette(0) + "' title " + gp_quote(what + "/s") +
         ", '' using 1:3 axes x1y2 with lines lw 2 lc rgb '" + kP99Colour +
         "' title 'errors/s', '' using 1:4 axes x1y2 with lines lw 2 dt 2 lc rgb '" + kP95Colour +
         "' title 'dropped/s'" + decoration_keys(t) + "\n";
}

}  // namespace

std::optional<PlotJob> latency_plot(const RunData& run) {
  const auto all = timelines(run);
  if (all.empty()) return std::nullopt;
  const std::string what = run.is_http() ? "request" : "read";
  std::size_t points = 0, exact = 0;
  for (const auto& t : all) {
    for (const auto& p : t.points) {
      points += p.reads > 0 ? 1 : 0;
      exact += p.exact_percentiles ? 1 : 0;
    }
  }
  const std::string how =
      exact == points ? "every query's or request's histogram of the interval merged"
      : exact == 0    ? "no latency.hlog: the interval's per-query or per-request percentiles "
                        "combined as a count-weighted mean, not exact"
                      : std::to_string(points - exact) + " of " + std::to_string(points) +
                         " intervals not in latency.hlog: there the per-query percentiles "
                         "combined as a count-weighted mean";
  PlotJob job;
  job.figure = {"latency_over_time",
                "Latency over time",
                "p50, p95 and p99 of the " + what + "s in each 1 s interval (" + how +
                    "). Shaded: materialized-view refreshes; dashed: stage starts; hatched "
                    "band: injected faults.",
                {},
                {}};
  job.height_px = kPanelHeight * static_cast<int>(all.size()) + 60;
  job.body = body_prelude("Latency of the " + what + "s over time", int(all.size())) +
             latency_range(all).y_axis() + "set ylabel 'latency (ms)'\n";
  for (const auto& t : all) job.body += latency_panel(run, t, x_max(all), &job);
  job.body += "unset multiplot\n";
  return job;
}

std::optional<PlotJob> throughput_plot(const RunData& run) {
  const auto all = timelines(run);
  if (all.empty()) return std::nullopt;
  const std::string what = run.is_http() ? "requests" : "reads";
  PlotJob job;
  job.figure = {"throughput_over_time",
                "Throughput, errors and dropped iterations",
                "Completed " + what + " per second (left axis); failed " + what +
                    " and dropped iterations (open model: no free VU at the scheduled start) "
                    "per second (right axis).",
                {},
                {}};
  job.height_px = kPanelHeight * static_cast<int>(all.size()) + 60;
  job.body = body_prelude("Throughput, errors and dropped iterations over time", int(all.size())) +
             throughput_axes(all, what);
  for (const auto& t : all) job.body += throughput_panel(run, t, x_max(all), what, &job);
  job.body += "unset multiplot\n";
  return job;
}

}  // namespace lg::report::detail
