#include "harness/results/series_file.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/metrics/hlog.hpp"
#include "harness/results/stats.hpp"

namespace lg::results {
namespace {

using nlohmann::json;

const char* kind_name(metrics::MetricKind k) {
  switch (k) {
    case metrics::MetricKind::kTrend:
      return "trend";
    case metrics::MetricKind::kRate:
      return "rate";
    case metrics::MetricKind::kCounter:
      return "counter";
  }
  return "trend";
}

metrics::MetricKind kind_of(const std::string& name) {
  if (name == "rate") return metrics::MetricKind::kRate;
  if (name == "counter") return metrics::MetricKind::kCounter;
  if (name == "trend") return metrics::MetricKind::kTrend;
  throw std::invalid_argument("unknown metric kind \"" + name + "\"");
}

metrics::SeriesStats from_json(const json& j) {
  metrics::SeriesStats s;
  s.metric = j.at("metric").get<std::string>();
  s.kind = kind_of(j.at("kind").get<std::string>());
  Tags tags;
  for (const auto& [k, v] : j.at("tags").items()) tags.emplace_back(k, v.get<std::string>());
  s.tags = make_tags(std::move(tags));
  s.count = j.at("count").get<std::int64_t>();
  s.hits = j.at("hits").get<std::int64_t>();
  s.seconds = j.at("seconds").get<double>();
  // Failures by class: absent in series files written before error classes were recorded.
  if (const auto it = j.find("errors_by_class"); it != j.end()) {
    for (const auto& [name, n] : it->items()) {
      if (const auto c = error_class_named(name))
        s.by_class[error_index(*c)] = n.get<std::int64_t>();
    }
  }
  if (!j.at("histogram").is_null()) {
    s.hist = metrics::decode(metrics::base64_decode(j.at("histogram").get<std::string>()));
  }
  return s;
}

}  // namespace

void write_series_json(const std::vector<metrics::SeriesStats>& series,
                       const std::filesystem::path& file) {
  json out = json::array();
  for (const auto& s : series) {
    json tags = json::object();
    for (const auto& [k, v] : s.tags) tags[k] = v;
    out.push_back(
        {{"metric", s.metric},
         {"kind", kind_name(s.kind)},
         {"tags", tags},
         {"count", s.count},
         {"hits", s.hits},
         {"seconds", s.seconds},
         {"errors_by_class", errors_by_class_json(s.by_class)},
         {"histogram", s.hist ? json(metrics::base64_encode(metrics::encode_compressed_v2(*s.hist)))
                              : json(nullptr)}});
  }
  write_file_atomic(file, json{{"format", "loadgate-series-1"}, {"series", out}}.dump(1) + '\n');
}

std::vector<metrics::SeriesStats> read_series_json(const std::filesystem::path& file) {
  const std::string text = read_input_file(file, "series");
  try {
    std::vector<metrics::SeriesStats> out;
    const json doc =
        json::parse(text);  // kept alive: a range-for over a temporary's member dangles
    for (const auto& j : doc.at("series")) out.push_back(from_json(j));
    return out;
  } catch (const std::exception& e) {
    throw InputError(SourceLoc{file.string(), 0, 0}, "series", e.what());
  }
}

std::vector<metrics::SeriesStats> merge_runs(
    const std::vector<std::vector<metrics::SeriesStats>>& runs) {
  std::map<std::tuple<std::string, int, Tags>, metrics::SeriesStats> merged;
  for (const auto& run : runs) {
    for (const auto& s : run) {
      auto [it, fresh] = merged.try_emplace({s.metric, static_cast<int>(s.kind), s.tags}, s);
      if (fresh) continue;
      auto& m = it->second;
      if (s.hist) {
        if (m.hist) {
          m.hist->add(*s.hist);
        } else {
          m.hist = s.hist;
        }
      }
      m.count += s.count;
      m.hits += s.hits;
      for (std::size_t i = 0; i < kErrorClasses; ++i) m.by_class[i] += s.by_class[i];
      m.seconds = std::max(m.seconds, s.seconds);
    }
  }
  std::vector<metrics::SeriesStats> out;
  for (auto& [key, s] : merged) out.push_back(std::move(s));
  return out;
}

}  // namespace lg::results
