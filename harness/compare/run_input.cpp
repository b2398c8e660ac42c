// Run folders: figures from series.json (or summary.json), samples from timeseries.csv.
#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/compare/inputs.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/results/series_file.hpp"
#include "harness/results/stats.hpp"

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
  return {{"p50", {s.p50_ms, {}}},
          {"p95", {s.p95_ms, {}}},
          {"p99", {s.p99_ms, {}}},
          {"throughput", {s.throughput, {}}}};
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

// Reads summary.json: notes on an incomplete run and, when wanted, the figures of every entry.
std::vector<Series> read_summary(const fs::path& file, bool want_series, Input& in) {
  std::vector<Series> out;
  try {
    const json doc = json::parse(read_input_file(file, "summary"));
    if (doc.contains("run") && doc["run"].value("complete", true) == false) {
      const json why = doc["run"].value("incomplete_reason", json());
      in.notes.push_back(in.label + " is an incomplete run" +
                         (why.is_string() ? " (" + why.get<std::string>() + ")" : ""));
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

struct Csv {
  std::map<std::string, std::size_t> column;
  const fs::path& file;
  int line = 0;

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(SourceLoc{file.string(), line, 0}, "timeseries", why);
  }
  const std::string& field(const std::vector<std::string>& row, const std::string& name) const {
    static const std::string kEmpty;
    const auto it = column.find(name);
    return it == column.end() ? kEmpty : row[it->second];
  }
  double number(const std::vector<std::string>& row, const std::string& name) const {
    const auto& text = field(row, name);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      fail("column " + name + ": \"" + text + "\" is not a number");
    }
    return v;
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string f;
  while (std::getline(in, f, ',')) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// The (option, query|request) a row belongs to; empty option when the row is not a read.
Key key_of(const Csv& csv, const std::vector<std::string>& row) {
  const auto& metric = csv.field(row, "metric");
  if (metric == "sql_duration" && csv.field(row, "kind") == "read") {
    return {csv.field(row, "option"), csv.field(row, "query")};
  }
  if (metric == "http_req_duration") return {csv.field(row, "option"), csv.field(row, "request")};
  return {};
}

using Intervals = std::map<Key, std::map<std::pair<double, double>, Interval>>;

void add_row(const Csv& csv, const std::vector<std::string>& row, Intervals& intervals) {
  const Key key = key_of(csv, row);
  if (key.first.empty() || key.second.empty()) return;
  const double t0 = csv.number(row, "t_start_s"), t1 = csv.number(row, "t_end_s");
  const auto count = static_cast<std::int64_t>(csv.number(row, "count"));
  auto& iv = intervals[key][{t0, t1}];
  iv.span = t1 - t0;
  iv.count += count;
  // One interval has several rows (during_refresh true/false, read sources). Their exact
  // union percentile needs the histograms; the count-weighted mean of the rows' percentiles
  // lies between them and follows the dominant row, while picking the largest row alone
  // would drop the requests that ran during a refresh, the ones a gate should see.
  const char* cols[3] = {"p50_ms", "p95_ms", "p99_ms"};
  for (int i = 0; i < 3; ++i) {
    iv.weighted[i] += static_cast<double>(count) * csv.number(row, cols[i]);
  }
}

std::map<Key, std::map<std::string, std::vector<double>>> to_samples(const Intervals& intervals) {
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

}  // namespace

std::map<Key, std::map<std::string, std::vector<double>>> parse_interval_samples(
    const std::string& text, const fs::path& file) {
  Csv csv{{}, file};
  std::stringstream in(text);
  std::string line;
  if (!std::getline(in, line)) csv.fail("empty file");
  csv.line = 1;
  const auto header = split(line);
  for (std::size_t i = 0; i < header.size(); ++i) csv.column[header[i]] = i;
  for (const char* c : {"option", "t_start_s", "t_end_s", "metric", "query", "kind", "count",
                        "p50_ms", "p95_ms", "p99_ms"}) {
    if (!csv.column.count(c)) csv.fail(std::string("no column \"") + c + "\"");
  }
  Intervals intervals;
  while (std::getline(in, line)) {
    ++csv.line;
    if (line.empty()) continue;
    const auto row = split(line);
    if (row.size() != header.size()) {
      csv.fail("expected " + std::to_string(header.size()) + " fields");
    }
    add_row(csv, row, intervals);
  }
  return to_samples(intervals);
}

Input load_run(const fs::path& dir) {
  Input in;
  in.path = dir;
  in.label = label_of(dir);
  std::error_code ec;
  const bool has_summary = fs::exists(dir / "summary.json", ec);
  const bool has_series = fs::exists(dir / "series.json", ec);
  if (!has_summary && !has_series) {
    throw InputError(SourceLoc{dir.string()}, "compare",
                     "not a run folder: it has neither summary.json nor series.json");
  }
  if (has_summary) in.series = read_summary(dir / "summary.json", !has_series, in);
  if (has_series)
    in.series = series_from_histograms(results::read_series_json(dir / "series.json"));
  const fs::path csv = dir / "timeseries.csv";
  if (!fs::exists(csv, ec)) {
    in.notes.push_back(in.label + " has no timeseries.csv: no per-interval samples to test");
    return in;
  }
  const auto samples = parse_interval_samples(read_input_file(csv, "timeseries"), csv);
  for (auto& s : in.series) {
    const auto it = samples.find({s.option, s.name});
    if (it == samples.end()) continue;
    for (auto& [metric, data] : s.metrics) {
      if (auto m = it->second.find(metric); m != it->second.end()) data.samples = m->second;
    }
  }
  return in;
}

}  // namespace lg::compare
