#include "harness/results/stats.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace lg::results {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }
double round3(double v) { return static_cast<double>(std::llround(v * 1000.0)) / 1000.0; }

}  // namespace

std::optional<metrics::SeriesStats> merge_series(const std::vector<metrics::SeriesStats>& all,
                                                 const std::string& metric, const Tags& filter) {
  std::optional<metrics::SeriesStats> out;
  // A window is identified by (option, stage): series split by other tags share it.
  // A window is one stage of one trial of one option: series of that window share its seconds.
  std::map<std::tuple<std::string, std::string, std::string>, double> windows;
  for (const auto& s : all) {
    if (s.metric != metric || !s.hist || !tags_match(s.tags, filter)) continue;
    if (!out) {
      out = metrics::SeriesStats{metric, s.kind, filter, metrics::Histogram(s.hist->layout()),
                                 0,      0,      0};
    }
    out->hist->add(*s.hist);
    out->count += s.count;
    out->hits += s.hits;
    for (std::size_t i = 0; i < kErrorClasses; ++i) out->by_class[i] += s.by_class[i];
    windows[{tag_value(s.tags, "option"), tag_value(s.tags, "stage"), tag_value(s.tags, "trial")}] =
        s.seconds;
  }
  if (out) {
    for (const auto& [key, seconds] : windows) out->seconds += seconds;
  }
  return out;
}

RateSum sum_rate(const std::vector<metrics::SeriesStats>& all, const std::string& metric,
                 const Tags& filter) {
  RateSum sum;
  for (const auto& s : all) {
    if (s.metric != metric || s.kind != metrics::MetricKind::kRate || !tags_match(s.tags, filter))
      continue;
    sum.count += s.count;
    sum.hits += s.hits;
  }
  return sum;
}

LatencyStats latency_stats(const metrics::SeriesStats& merged) {
  LatencyStats s;
  s.count = merged.count;
  s.errors = merged.hits;
  s.by_class = merged.by_class;
  s.seconds = merged.seconds;
  s.throughput = merged.seconds > 0 ? static_cast<double>(merged.count) / merged.seconds : 0;
  if (!merged.hist || merged.hist->count() == 0) return s;
  const auto& h = *merged.hist;
  s.min_ms = ms(h.min());
  s.mean_ms = h.mean() / 1000.0;
  s.p50_ms = ms(h.value_at_percentile(50));
  s.p90_ms = ms(h.value_at_percentile(90));
  s.p95_ms = ms(h.value_at_percentile(95));
  s.p99_ms = ms(h.value_at_percentile(99));
  s.p999_ms = ms(h.value_at_percentile(99.9));
  s.max_ms = ms(h.max());
  return s;
}

nlohmann::json errors_by_class_json(const ErrorCounts& by_class) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < kErrorClasses; ++i) {
    if (by_class[i] != 0) out[std::string(error_class_name(error_class_at(i)))] = by_class[i];
  }
  return out;
}

nlohmann::json to_json(const LatencyStats& s) {
  return {{"count", s.count},
          {"ok", s.count - s.errors},
          {"errors_by_class", errors_by_class_json(s.by_class)},
          {"errors", s.errors},
          {"seconds", round3(s.seconds)},
          {"throughput_per_s", round3(s.throughput)},
          {"min_ms", s.min_ms},
          {"mean_ms", round3(s.mean_ms)},
          {"p50_ms", s.p50_ms},
          {"p90_ms", s.p90_ms},
          {"p95_ms", s.p95_ms},
          {"p99_ms", s.p99_ms},
          {"p99_9_ms", s.p999_ms},
          {"max_ms", s.max_ms}};
}

std::vector<std::string> tag_values(const std::vector<metrics::SeriesStats>& all,
                                    const std::string& metric, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& s : all) {
    if (s.metric != metric) continue;
    const auto& v = tag_value(s.tags, key);
    if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

}  // namespace lg::results
