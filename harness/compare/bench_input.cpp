// Google Benchmark --benchmark_format=json files: one series per benchmark family.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "harness/compare/inputs.hpp"
#include "harness/core/errors.hpp"

namespace lg::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Family {
  std::string option, name;
  std::map<std::string, std::vector<double>> samples;               // metric -> repetitions
  std::map<std::string, std::map<std::string, double>> aggregates;  // "median" -> metric -> v
};

bool is_run_suffix(const std::string& c) {
  if (c == "real_time" || c == "manual_time" || c == "process_time") return true;
  for (const char* p : {"repeats:", "threads:", "iterations:", "min_time:", "min_warmup_time:"}) {
    if (c.rfind(p, 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> components(const std::string& name) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1) {
    out.push_back(name.substr(start, slash - start));
  }
  out.push_back(name.substr(start));
  return out;
}

// Family name of an entry: run_name (older versions: name less "_<aggregate>") without the
// suffixes Google Benchmark appends for run settings, split into query and option.
std::pair<std::string, std::string> option_and_name(const json& b) {
  std::string name = b.value("run_name", b.at("name").get<std::string>());
  const std::string agg = b.value("aggregate_name", std::string());
  if (!b.contains("run_name") && !agg.empty() && name.ends_with("_" + agg)) {
    name.resize(name.size() - agg.size() - 1);
  }
  auto parts = components(name);
  while (parts.size() > 1 && is_run_suffix(parts.back())) parts.pop_back();
  std::string option;
  const auto& last = parts.back();
  if (parts.size() > 1 && last.size() == 1 && last[0] >= 'A' && last[0] <= 'Z') {
    option = last;
    parts.pop_back();
  }
  // Only in the query × option convention is a leading BM_ component a mere prefix:
  // "BM_Record/1000" keeps its name.
  if (!option.empty() && parts.size() > 1 && parts.front().rfind("BM_", 0) == 0) {
    parts.erase(parts.begin());
  }
  std::string joined;
  for (const auto& p : parts) joined += (joined.empty() ? "" : "/") + p;
  return {option, joined};
}

double ms_per_unit(const std::string& unit) {
  if (unit == "ns") return 1e-6;
  if (unit == "us") return 1e-3;
  if (unit == "ms") return 1.0;
  if (unit == "s") return 1e3;
  throw std::invalid_argument("unknown time_unit \"" + unit + "\"");
}

std::map<std::string, double> metrics_of(const json& b) {
  std::map<std::string, double> m;
  if (b.contains("real_time") && b["real_time"].is_number()) {
    m["time"] = b["real_time"].get<double>() * ms_per_unit(b.value("time_unit", "ns"));
  }
  for (const char* p : {"p50", "p95", "p99"}) {
    const std::string counter = std::string(p) + "_ms";
    if (b.contains(counter) && b[counter].is_number()) m[p] = b[counter].get<double>();
  }
  if (b.contains("items_per_second") && b["items_per_second"].is_number()) {
    m["throughput"] = b["items_per_second"].get<double>();
  }
  return m;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void add_entry(const json& b, std::vector<Family>& families, Input& in) {
  if (b.value("error_occurred", false)) {
    in.notes.push_back(in.label + ": skipped " + b.value("name", std::string("?")) + " (" +
                       b.value("error_message", std::string("error")) + ")");
    return;
  }
  const auto [option, name] = option_and_name(b);
  auto it = std::find_if(families.begin(), families.end(),
                         [&](const Family& f) { return f.option == option && f.name == name; });
  if (it == families.end()) it = families.insert(families.end(), Family{option, name, {}, {}});
  const auto metrics = metrics_of(b);
  if (b.value("run_type", std::string("iteration")) == "iteration") {
    for (const auto& [m, v] : metrics) it->samples[m].push_back(v);
  } else if (const auto agg = b.value("aggregate_name", std::string());
             agg == "median" || agg == "mean") {
    it->aggregates[agg] = metrics;
  }
}

Series to_series(const Family& f) {
  Series s{f.option, f.name, EntryKind::kBenchmark, {}};
  for (const auto& [m, v] : f.samples) s.metrics[m] = {median(v), v, {}};
  for (const char* agg : {"median", "mean"}) {
    const auto a = f.aggregates.find(agg);
    if (a == f.aggregates.end()) continue;
    for (const auto& [m, v] : a->second) s.metrics.try_emplace(m, MetricData{v, {}, {}});
  }
  return s;
}

// Google Benchmark writes non-finite numbers bare (e.g. `"errors": NaN` in the cv aggregate of
// a counter that is always 0), which is not JSON; Python's json (compare.py) accepts them.
// Values outside strings that are NaN/Infinity become null so the rest of the file reads.
std::string nonfinite_to_null(const std::string& text) {
  static const std::regex bare(R"((:\s*)-?(NaN|nan|Infinity|inf)\b)");
  return std::regex_replace(text, bare, "$1null");
}

}  // namespace

Input load_benchmark_json(const std::string& text, const fs::path& file) {
  const SourceLoc at{file.string()};
  json doc;
  try {
    doc = json::parse(nonfinite_to_null(text));
  } catch (const json::exception& e) {
    throw InputError(at, "benchmark", std::string("not a run folder and not JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    throw InputError(at, "benchmark",
                     "no \"benchmarks\" array: not Google Benchmark --benchmark_format=json");
  }
  Input in;
  in.path = file;
  in.label = file.filename().string();
  in.benchmark = true;
  std::vector<Family> families;
  const auto& list = doc["benchmarks"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    try {
      add_entry(list[i], families, in);
    } catch (const std::exception& e) {
      throw InputError(at, "benchmarks[" + std::to_string(i) + "]", e.what());
    }
  }
  for (const auto& f : families) in.series.push_back(to_series(f));
  return in;
}

}  // namespace lg::compare
