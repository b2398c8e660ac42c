// Run folders: figures from series.json (or summary.json), samples from timeseries.csv.
#include <nlohmann/json.hpp>

#include "harness/compare/effect.hpp"
#include "harness/compare/inputs.hpp"
#include "harness/core/errors.hpp"
#include "harness/results/run_folder.hpp"
#include "harness/results/stats.hpp"
#include "harness/results/trials.hpp"

namespace lg::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Key = std::pair<std::string, std::string>;  // option, query or request

// Which series of a run a row of the comparison is made of.
struct Source {
  const char* metric;
  const char* tag;
  EntryKind kind;
};
constexpr Source kSources[] = {{"sql_duration", "query", EntryKind::kQuery},
                               {"http_req_duration", "request", EntryKind::kRequest}};

std::map<std::string, MetricData> figures(const results::LatencyStats& s) {
  return {{"p50", {s.p50_ms, {}, {}}},
          {"p95", {s.p95_ms, {}, {}}},
          {"p99", {s.p99_ms, {}, {}}},
          {"throughput", {s.throughput, {}, {}}}};
}

// Per-trial figures as samples, the medians as figures; nothing when the run has one trial.
void add_trial_samples(const std::vector<metrics::SeriesStats>& all, const char* metric,
                       const Tags& filter, Series& s) {
  const auto trials = results::per_trial(all, metric, filter);
  if (trials.size() < 2) return;
  for (const auto& [name, key] :
       {std::pair{"p50", "p50_ms"}, std::pair{"p95", "p95_ms"}, std::pair{"p99", "p99_ms"},
        std::pair{"throughput", "throughput_per_s"}}) {
    auto& m = s.metrics[name];
    m.samples.clear();
    for (const auto& t : trials) m.samples.push_back(results::trial_figure(t.stats, key));
    m.value = median(m.samples);
  }
}

std::vector<Series> series_from_histograms(const std::vector<metrics::SeriesStats>& all) {
  std::vector<Series> out;
  for (const auto& src : kSources) {
    for (const auto& option : results::tag_values(all, src.metric, "option")) {
      for (const auto& name : results::tag_values(all, src.metric, src.tag)) {
        Tags filter = {{"option", option}, {src.tag, name}};
        // Writes share sql_duration with reads; summary.json's queries are the reads.
        if (src.kind == EntryKind::kQuery) filter.emplace_back("kind", "read");
        const auto merged = results::merge_series(all, src.metric, make_tags(filter));
        if (!merged || merged->count == 0) continue;
        out.push_back({option, name, src.kind, figures(results::latency_stats(*merged))});
        add_trial_samples(all, src.metric, make_tags(filter), out.back());
      }
    }
  }
  return out;
}

Series series_from_summary(const std::string& option, const std::string& name, EntryKind kind,
                           const json& all) {
  Series s{option, name, kind, {}};
  for (const char* m : {"p50", "p95", "p99"}) {
    s.metrics[m].value = all.at(std::string(m) + "_ms").get<double>();
  }
  s.metrics["throughput"].value = all.at("throughput_per_s").get<double>();
  return s;
}

void add_entries(const std::string& option, const json& o, const char* key, EntryKind kind,
                 std::vector<Series>& out) {
  if (!o.contains(key)) return;
  for (const auto& [name, q] : o.at(key).items()) {
    if (q.contains("all")) out.push_back(series_from_summary(option, name, kind, q.at("all")));
  }
}

// Reads summary.json `doc` (`file` names it in errors): notes on an incomplete run and, when
// wanted, the figures of every entry.
std::vector<Series> read_summary(const json& doc, const fs::path& file, bool want_series,
                                 Input& in) {
  std::vector<Series> out;
  try {
    if (doc.contains("run") && doc.at("run").value("complete", true) == false) {
      const json why = doc.at("run").value("incomplete_reason", json());
      in.notes.push_back(in.label + " is an incomplete run" +
                         (why.is_string() ? " (" + why.get<std::string>() + ")" : ""));
    }
    if (const auto cal = doc.value("/environment/calibration"_json_pointer, json());
        cal.is_object() && cal.contains("cpu_mops") && cal.contains("statements_per_s")) {
      in.calibration =
          Calibration{cal.at("cpu_mops").get<double>(), cal.at("statements_per_s").get<double>()};
    }
    if (!want_series) return out;
    for (const auto& [option, o] : doc.at("options").items()) {
      add_entries(option, o, "queries", EntryKind::kQuery, out);
      add_entries(option, o, "requests", EntryKind::kRequest, out);
    }
  } catch (const json::exception& e) {
    throw InputError(SourceLoc{file.string()}, "summary", std::string("malformed: ") + e.what());
  }
  return out;
}

std::string label_of(const fs::path& dir) {
  fs::path p = dir.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().empty() ? dir.string() : p.filename().string();
}

// ---- timeseries.csv ----

struct Interval {
  std::int64_t count = 0;
  double span = 0;
  double weighted[3] = {0, 0, 0};  // sum of count × p50, p95, p99
};

// The (option, query|request) a row belongs to; empty option when the row is not a read.
Key key_of(const results::IntervalRow& row) {
  if (row.metric == "sql_duration" && row.kind == "read") return {row.option, row.query};
  if (row.metric == "http_req_duration") return {row.option, row.request};
  return {};
}

using Intervals = std::map<Key, std::map<std::pair<double, double>, Interval>>;

void add_row(const results::IntervalRow& row, Intervals& intervals) {
  const Key key = key_of(row);
  if (key.first.empty() || key.second.empty()) return;
  auto& iv = intervals[key][{row.t_start_s, row.t_end_s}];
  iv.span = row.t_end_s - row.t_start_s;
  iv.count += row.count;
  // One interval has several rows (during_refresh true/false, read sources). Their exact
  // union percentile needs the histograms; the count-weighted mean of the rows' percentiles
  // lies between them and follows the dominant row, while picking the largest row alone
  // would drop the requests that ran during a refresh, the ones a gate should see.
  const double count = static_cast<double>(row.count);
  iv.weighted[0] += count * row.p50_ms;
  iv.weighted[1] += count * row.p95_ms;
  iv.weighted[2] += count * row.p99_ms;
}

}  // namespace

std::map<Key, std::map<std::string, std::vector<double>>> interval_samples(
    const std::vector<results::IntervalRow>& rows) {
  Intervals intervals;
  for (const auto& row : rows) add_row(row, intervals);
  std::map<Key, std::map<std::string, std::vector<double>>> out;
  for (const auto& [key, by_time] : intervals) {
    auto& m = out[key];
    for (const auto& [t, iv] : by_time) {
      if (iv.span < kMinIntervalSeconds || iv.count == 0) continue;
      const auto n = static_cast<double>(iv.count);
      m["p50"].push_back(iv.weighted[0] / n);
      m["p95"].push_back(iv.weighted[1] / n);
      m["p99"].push_back(iv.weighted[2] / n);
      m["throughput"].push_back(n / iv.span);
    }
  }
  return out;
}

Input load_run(const fs::path& dir) {
  Input in;
  in.path = dir;
  in.label = label_of(dir);
  const auto folder =
      results::read_run_folder(dir, {.hlog = results::Need::kSkip, .summary_or_series = true});
  if (folder.summary) {
    in.series = read_summary(*folder.summary, dir / "summary.json", !folder.series, in);
  }
  if (folder.series) {
    in.series = series_from_histograms(*folder.series);
    in.trials = 0;
    for (const auto& s : in.series) {
      for (const auto& [metric, data] : s.metrics)
        in.trials = std::max(in.trials, data.samples.size());
    }
  }
  if (!folder.timeseries) {
    in.notes.push_back(in.label + " has no timeseries.csv: no per-interval samples to test");
    return in;
  }
  const auto samples = interval_samples(*folder.timeseries);
  for (auto& s : in.series) {
    const auto it = samples.find({s.option, s.name});
    if (it == samples.end()) continue;
    for (auto& [metric, data] : s.metrics) {
      if (auto m = it->second.find(metric); m != it->second.end()) data.intervals = m->second;
    }
  }
  return in;
}

}  // namespace lg::compare
