#include "harness/report/trend.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <tuple>

#include "harness/core/errors.hpp"
#include "harness/report/gnuplot.hpp"
#include "harness/report/plot_parts.hpp"
#include "harness/results/run_folder.hpp"

namespace lg::report {
namespace {

namespace fs = std::filesystem;
using detail::num;
using nlohmann::json;

bool is_run(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "summary.json", ec);
}

// Run folders at `dir` or up to two levels below it (history/<job>/candidate/<run>/ reads from
// history/<job>/ … one level per call).
void collect(const fs::path& dir, int depth, std::vector<fs::path>& out) {
  if (is_run(dir)) {
    out.push_back(dir);
    return;
  }
  if (depth == 0) return;
  std::error_code ec;
  std::vector<fs::path> children;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory(ec)) children.push_back(e.path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& c : children) collect(c, depth - 1, out);
}

// p95 of an entry of summary.json: the median across trials when it has them.
std::optional<double> entry_p95(const json& entry) {
  if (const auto t = entry.find("trials"); t != entry.end() && t->is_object()) {
    const json& m = (*t).value("p95_ms", json()).value("median", json());
    if (m.is_number()) return m.get<double>();
  }
  const json& all = entry.value("all", json());
  if (all.is_object() && all.value("p95_ms", json()).is_number()) {
    return all.at("p95_ms").get<double>();
  }
  return std::nullopt;
}

TrendRun read_one(const fs::path& dir) {
  const auto folder = results::read_run_folder(dir, {.series = results::Need::kSkip,
                                                     .timeseries = results::Need::kSkip,
                                                     .hlog = results::Need::kSkip});
  TrendRun r;
  r.dir = dir;
  const json& doc = *folder.summary;
  try {
    const json run = doc.value("run", json::object());
    r.id = run.value("id", dir.filename().string());
    r.started_at = run.value("started_at", std::string());
    r.verdict = doc.value("verdict", std::string("?"));
    for (const auto& [option, o] : doc.at("options").items()) {
      for (const char* section : {"queries", "requests"}) {
        if (!o.contains(section)) continue;
        for (const auto& [name, entry] : o.at(section).items()) {
          if (const auto p = entry_p95(entry)) r.p95_ms[option][name] = *p;
        }
      }
    }
  } catch (const json::exception& e) {
    throw InputError(SourceLoc{(dir / "summary.json").string()}, "summary",
                     std::string("malformed: ") + e.what());
  }
  return r;
}

// "12-03 13:07" from "2026-12-03T13:07:07Z" (or the id when there is no start).
std::string short_time(const TrendRun& r) {
  const std::string& s = r.started_at;
  if (s.size() >= 16 && s[10] == 'T') return s.substr(5, 5) + " " + s.substr(11, 5);
  return r.id;
}

}  // namespace

std::vector<TrendRun> read_trend(const std::vector<fs::path>& paths) {
  std::vector<TrendRun> runs;
  for (const auto& p : paths) {
    std::vector<fs::path> dirs;
    collect(p, 3, dirs);
    if (dirs.empty()) {
      throw InputError(SourceLoc{p.string()}, "report",
                       "not a run folder and holds no run folder (no summary.json)");
    }
    for (const auto& d : dirs) runs.push_back(read_one(d));
  }
  std::stable_sort(runs.begin(), runs.end(), [](const TrendRun& a, const TrendRun& b) {
    return std::tie(a.started_at, a.id) < std::tie(b.started_at, b.id);
  });
  return runs;
}

PlotJob plan_trend_plot(const std::vector<TrendRun>& runs) {
  std::set<std::string> options;
  for (const auto& r : runs) {
    for (const auto& [o, q] : r.p95_ms) options.insert(o);
  }
  PlotJob job;
  job.figure = {"p95_trend",
                "p95 per query over the runs",
                "Each point is one run's p95 (the median across trials for a run with trials); "
                "x is the run's start. Runs that did not pass (thresholds crossed, an invariant "
                "broken, or incomplete) are shaded and labelled with their verdict.",
                {},
                {}};
  std::string xtics = "set xtics rotate by -45 (";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    xtics +=
        std::string(i ? ", " : "") + gp_quote(short_time(runs[i])) + " " + std::to_string(i + 1);
  }
  xtics += ")\n";
  std::string marks;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].verdict == "pass") continue;
    const std::string x = std::to_string(i + 1);
    marks += "set object rect from first " + x + "-0.4, graph 0 to first " + x +
             "+0.4, graph 1 fc rgb '#fdecea' fs solid 1.0 noborder behind\n"
             "set label " +
             gp_quote(runs[i].verdict) + " at first " + x +
             ", graph 0.95 center tc rgb '#c62828'\n";
  }
  std::string panels;
  detail::ValueRange y;
  for (const auto& option : options) {
    std::set<std::string> names;
    for (const auto& r : runs) {
      if (const auto it = r.p95_ms.find(option); it != r.p95_ms.end()) {
        for (const auto& [n, v] : it->second) names.insert(n);
      }
    }
    const std::vector<std::string> cols(names.begin(), names.end());
    std::string data = "# run index, then p95 (ms) of each query in turn\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      data += std::to_string(i + 1);
      for (const auto& n : cols) {
        double v = std::nan("");
        if (const auto it = runs[i].p95_ms.find(option); it != runs[i].p95_ms.end()) {
          if (const auto q = it->second.find(n); q != it->second.end()) v = q->second;
        }
        y.add(v);
        data += " " + num(v);
      }
      data += "\n";
    }
    const std::string file = "trend_" + detail::file_stem(option) + ".dat";
    job.data.emplace_back(file, data);
    std::string plot = "set title " + gp_quote("option " + option) + "\nplot ";
    for (std::size_t k = 0; k < cols.size(); ++k) {
      plot += std::string(k ? ", " : "") + gp_quote(file) + " using 1:" + std::to_string(k + 2) +
              " with linespoints lw 2 pt 7 lc rgb '" + detail::palette(k) + "' title " +
              gp_quote(cols[k]);
    }
    panels += plot + "\n";
  }
  const int count = std::max<int>(1, static_cast<int>(options.size()));
  job.height_px = 320 * count + 100;
  job.body =
      detail::body_prelude("p95 per query over " + std::to_string(runs.size()) + " runs", count) +
      y.y_axis() + xtics + "set xrange [0.5:" + num(static_cast<double>(runs.size()) + 0.5) +
      "]\nset ylabel 'p95 (ms)'\n" + marks + panels + "unset multiplot\n";
  return job;
}

}  // namespace lg::report
