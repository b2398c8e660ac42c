#include "harness/report/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/core/tags.hpp"
#include "harness/results/stats.hpp"

namespace lg::report {
namespace {

using nlohmann::json;

// timeseries.csv prints times with 3 decimals; whole milliseconds identify an interval exactly.
std::int64_t millis(double s) { return std::llround(s * 1000.0); }

// Running sums of one interval before the weighted means are taken.
struct Accumulator {
  IntervalPoint point;
  double w50 = 0, w95 = 0, w99 = 0;

  void add_read(const IntervalRow& r) {
    point.reads += r.count;
    point.errors += r.errors;
    const double w = static_cast<double>(r.count);
    w50 += w * r.p50_ms;
    w95 += w * r.p95_ms;
    w99 += w * r.p99_ms;
    point.max_ms = std::max(point.max_ms, r.max_ms);
  }
  IntervalPoint finish() const {
    IntervalPoint p = point;
    if (p.reads > 0) {
      const double n = static_cast<double>(p.reads);
      p.p50_ms = w50 / n;
      p.p95_ms = w95 / n;
      p.p99_ms = w99 / n;
    }
    return p;
  }
};

// The log's intervals (times since the run start) matched to the rows' (since the option's
// start): both begin with the option's first interval that has reads, and a match must also
// agree on the sample count, so a misaligned or partial interval keeps the weighted mean.
void use_exact_percentiles(std::vector<IntervalPoint>& points,
                           const std::vector<IntervalPercentiles>& exact) {
  const auto first = std::find_if(points.begin(), points.end(),
                                  [](const IntervalPoint& p) { return p.reads > 0; });
  if (exact.empty() || first == points.end()) return;
  const std::int64_t offset = millis(exact.front().start_s) - millis(first->t_start_s);
  std::map<std::int64_t, const IntervalPercentiles*> by_start;
  for (const auto& e : exact) by_start[millis(e.start_s) - offset] = &e;
  // Both sides print times to the ms, so a start can differ by up to 2 ms; the nearest start
  // wins, since an interval cut at a stage boundary can be that short.
  auto nearest = [&](std::int64_t ms) -> const IntervalPercentiles* {
    const IntervalPercentiles* best = nullptr;
    std::int64_t best_distance = 3;
    for (auto it = by_start.lower_bound(ms - 2); it != by_start.end() && it->first <= ms + 2;
         ++it) {
      if (std::abs(it->first - ms) < best_distance) {
        best_distance = std::abs(it->first - ms);
        best = it->second;
      }
    }
    return best;
  };
  for (auto& p : points) {
    const IntervalPercentiles* e = nearest(millis(p.t_start_s));
    if (e == nullptr || e->count != p.reads) continue;
    // A percentile reports its bucket's highest equivalent value, up to 0.1% above the max.
    p.p50_ms = std::min(e->p50_ms, p.max_ms);
    p.p95_ms = std::min(e->p95_ms, p.max_ms);
    p.p99_ms = std::min(e->p99_ms, p.max_ms);
    p.exact_percentiles = true;
  }
}

double number_or(const json& j, const char* key, double fallback) {
  const json& v = json_at(j, {key});
  return v.is_number() ? v.get<double>() : fallback;
}

}  // namespace

double IntervalPoint::per_second(std::int64_t n) const {
  return seconds() > 0 ? static_cast<double>(n) / seconds() : 0.0;
}

std::vector<IntervalPoint> interval_points(const std::vector<IntervalRow>& rows,
                                           const std::string& option, const ReadSeries& reads,
                                           const std::vector<IntervalPercentiles>& exact) {
  std::map<std::pair<std::int64_t, std::int64_t>, Accumulator> by_interval;
  for (const auto& r : rows) {
    if (r.option != option) continue;
    const bool read = is_read(r, reads);
    // The write mix's dropped arrivals are background load, not unserved reads.
    const bool dropped = r.metric == "dropped_iterations" && r.kind != "write";
    if (!read && !dropped) continue;
    auto& acc = by_interval[{millis(r.t_start_s), millis(r.t_end_s)}];
    acc.point.t_start_s = r.t_start_s;
    acc.point.t_end_s = r.t_end_s;
    acc.point.vus = std::max(acc.point.vus, r.vus);
    if (read) {
      acc.add_read(r);
    } else {
      acc.point.dropped += r.count;
    }
  }
  std::vector<IntervalPoint> out;
  out.reserve(by_interval.size());
  for (const auto& [key, acc] : by_interval) out.push_back(acc.finish());
  use_exact_percentiles(out, exact);
  return out;
}

std::vector<StageMark> stage_marks(const std::vector<IntervalRow>& rows,
                                   const std::string& option) {
  std::map<std::string, double> first;
  for (const auto& r : rows) {
    if (r.option != option || r.stage.empty()) continue;
    auto [it, inserted] = first.try_emplace(r.stage, r.t_start_s);
    if (!inserted) it->second = std::min(it->second, r.t_start_s);
  }
  std::vector<StageMark> out;
  for (const auto& [tag, t] : first) out.push_back({t, tag});
  std::sort(out.begin(), out.end(),
            [](const StageMark& a, const StageMark& b) { return a.t_s < b.t_s; });
  return out;
}

std::vector<Span> refresh_spans(const json& option_summary) {
  std::vector<Span> out;
  const json& refreshes = json_at(option_summary, {"refreshes"});
  if (!refreshes.is_array()) return out;
  for (const auto& r : refreshes) {
    const double start = number_or(r, "start_s", 0);
    const double ms = number_or(r, "duration_ms", 0);
    const json& ok = json_at(r, {"ok"});
    out.push_back({start, start + ms / 1000.0, !ok.is_boolean() || ok.get<bool>()});
  }
  std::sort(out.begin(), out.end(),
            [](const Span& a, const Span& b) { return a.from_s < b.from_s; });
  return out;
}

std::vector<Fault> connection_spans(const std::vector<IntervalRow>& rows, const std::string& option,
                                    const json& option_summary, double end_s) {
  static const std::string kWhat = "connection lost";
  std::vector<Fault> out;
  for (const auto& r : rows) {
    if (r.option == option && r.metric == "connections_lost" && r.count > 0) {
      out.push_back({r.t_start_s, r.t_end_s, kWhat});
    }
  }
  const json& events = json_at(option_summary, {"health", "connection_events"});
  std::map<std::string, std::size_t> open;  // who -> its span in `out`
  if (events.is_array()) {
    for (const auto& ev : events) {
      const json& who = json_at(ev, {"who"});
      const json& what = json_at(ev, {"what"});
      if (!who.is_string() || !what.is_string()) continue;
      const double at = number_or(ev, "at_s", 0);
      if (what == "lost") {
        open[who.get<std::string>()] = out.size();
        out.push_back({at, std::max(at, end_s), kWhat});
      } else if (const auto it = open.find(who.get<std::string>()); it != open.end()) {
        out[it->second].to_s = at;
        open.erase(it);
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Fault& a, const Fault& b) { return a.from_s < b.from_s; });
  return out;
}

std::vector<Fault> fault_spans(const json& option_summary, double end_s) {
  static constexpr std::string_view kBegin = " begin", kEnd = " end";
  std::vector<Fault> out;
  const json& steps = json_at(option_summary, {"steps"});
  if (!steps.is_array()) return out;
  std::map<std::string, std::size_t> open;  // action -> its fault in `out`
  for (const auto& st : steps) {
    const json& what = json_at(st, {"what"});
    if (!what.is_string()) continue;
    const std::string w = what.get<std::string>();
    const double at = number_or(st, "at_s", 0);
    if (w.ends_with(kBegin)) {
      const std::string action = w.substr(0, w.size() - kBegin.size());
      open[action] = out.size();
      out.push_back({at, std::max(at, end_s), action});
    } else if (w.ends_with(kEnd)) {
      const auto it = open.find(w.substr(0, w.size() - kEnd.size()));
      if (it == open.end()) continue;
      out[it->second].to_s = at;
      open.erase(it);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Fault& a, const Fault& b) { return a.from_s < b.from_s; });
  return out;
}

std::vector<SpectrumPoint> percentile_spectrum(const metrics::Histogram& hist_us,
                                               int ticks_per_half) {
  std::vector<SpectrumPoint> out;
  const auto count = static_cast<double>(hist_us.count());
  if (count == 0 || ticks_per_half < 1) return out;
  // HdrHistogram's PercentileIterator: each halving of the distance to 100% gets the same
  // number of ticks. Computed from (halving, tick) rather than summed, so levels do not drift.
  for (int half = 0; half < 64; ++half) {
    const double base = 100.0 * (1.0 - std::ldexp(1.0, -half));
    const double step = 100.0 * std::ldexp(1.0, -(half + 1)) / ticks_per_half;
    for (int tick = 0; tick < ticks_per_half; ++tick) {
      const double p = base + tick * step;
      const double x = 1.0 / (1.0 - p / 100.0);
      if (x > count) {
        out.push_back({100.0, count, static_cast<double>(hist_us.max()) / 1000.0});
        return out;
      }
      // A percentile reports its bucket's highest equivalent value, which can pass the exact
      // max by under 0.1%; capped so the line never ends lower than it went.
      const auto us = std::min(hist_us.value_at_percentile(p), hist_us.max());
      out.push_back({p, x, static_cast<double>(us) / 1000.0});
    }
  }
  out.push_back({100.0, count, static_cast<double>(hist_us.max()) / 1000.0});
  return out;
}

std::vector<std::string> entry_names(const RunData& run, const ReadSeries& reads) {
  const char* section = reads.tag == "request" ? "requests" : "queries";
  std::vector<std::string> out;
  for (const auto& option : run.options) {
    const json& entries = json_at(run.option_summary(option), {section});
    if (!entries.is_object()) continue;
    for (const auto& [name, value] : entries.items()) {
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return out;
}

std::optional<metrics::SeriesStats> merged_entry(const RunData& run, const ReadSeries& reads,
                                                 const std::string& option,
                                                 const std::string& name) {
  Tags filter = {{"option", option}, {reads.tag, name}};
  if (!reads.kind.empty()) filter.emplace_back("kind", reads.kind);
  return results::merge_series(run.series, reads.metric, make_tags(std::move(filter)));
}

}  // namespace lg::report
