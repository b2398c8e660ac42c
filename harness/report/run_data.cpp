#include "harness/report/run_data.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/report/interval_percentiles.hpp"
#include "harness/results/series_file.hpp"

namespace lg::report {
namespace {

using nlohmann::json;

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = line.find(sep, from);
    out.push_back(
        line.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

// Column positions by header name; -1 for a column this file does not have.
class Columns {
 public:
  Columns(std::string_view header, const std::string& file) : file_(file) {
    const auto names = split(header, ',');
    for (std::size_t i = 0; i < names.size(); ++i) index_[std::string(names[i])] = int(i);
    for (const char* required : {"option", "stage", "t_start_s", "t_end_s", "metric", "count"}) {
      if (!index_.contains(required)) {
        throw InputError(SourceLoc{file, 1, 0}, "timeseries",
                         std::string("missing column \"") + required + "\"");
      }
    }
  }
  std::string text(const std::vector<std::string_view>& f, const char* name) const {
    const int i = find(name);
    return i >= 0 && std::size_t(i) < f.size() ? std::string(f[i]) : std::string();
  }
  template <class T>
  T number(const std::vector<std::string_view>& f, const char* name, int line) const {
    const std::string s = text(f, name);
    if (s.empty()) return T{};
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) {
      throw InputError(SourceLoc{file_, line, 0}, "timeseries",
                       std::string("column ") + name + ": \"" + s + "\" is not a number");
    }
    return value;
  }

 private:
  int find(const char* name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? -1 : it->second;
  }
  std::string file_;
  std::map<std::string, int> index_;
};

IntervalRow parse_row(const Columns& c, const std::vector<std::string_view>& f, int line) {
  IntervalRow r;
  r.option = c.text(f, "option");
  r.stage = c.text(f, "stage");
  r.t_start_s = c.number<double>(f, "t_start_s", line);
  r.t_end_s = c.number<double>(f, "t_end_s", line);
  r.metric = c.text(f, "metric");
  r.query = c.text(f, "query");
  r.request = c.text(f, "request");
  r.read_source = c.text(f, "read_source");
  r.kind = c.text(f, "kind");
  r.during_refresh = c.text(f, "during_refresh");
  r.count = c.number<std::int64_t>(f, "count", line);
  r.errors = c.number<std::int64_t>(f, "errors", line);
  r.p50_ms = c.number<double>(f, "p50_ms", line);
  r.p95_ms = c.number<double>(f, "p95_ms", line);
  r.p99_ms = c.number<double>(f, "p99_ms", line);
  r.max_ms = c.number<double>(f, "max_ms", line);
  r.vus = c.number<int>(f, "vus", line);
  r.refresh_in_flight = c.number<int>(f, "refresh_in_flight", line) != 0;
  return r;
}

json read_summary(const std::filesystem::path& dir) {
  const auto file = dir / "summary.json";
  if (!std::filesystem::is_directory(dir)) {
    throw InputError("report", dir.string() + " is not a run folder (no such directory)");
  }
  if (!std::filesystem::exists(file)) {
    throw InputError("report", dir.string() + " is not a run folder (no summary.json)");
  }
  try {
    json doc = json::parse(read_input_file(file, "summary"));
    if (!json_at(doc, {"options"}).is_object())
      throw std::invalid_argument("no \"options\" object");
    return doc;
  } catch (const std::invalid_argument& e) {
    throw InputError(SourceLoc{file.string(), 0, 0}, "summary", e.what());
  } catch (const json::exception& e) {
    throw InputError(SourceLoc{file.string(), 0, 0}, "summary", e.what());
  }
}

// Run order from the scenario, keeping only options that have a summary.
std::vector<std::string> option_order(const json& summary) {
  std::vector<std::string> out;
  const json& opts = summary.at("options");
  const json& declared = json_at(summary, {"scenario", "database", "options"});
  if (declared.is_array()) {
    for (const auto& o : declared) {
      if (o.is_string() && opts.contains(o.get<std::string>())) out.push_back(o);
    }
  }
  for (const auto& [key, value] : opts.items()) {
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
  }
  return out;
}

}  // namespace

ReadSeries read_series(bool http) {
  if (http) return {"http_req_duration", "", "request"};
  return {"sql_duration", "read", "query"};
}

bool is_read(const IntervalRow& row, const ReadSeries& reads) {
  return row.metric == reads.metric && (reads.kind.empty() || row.kind == reads.kind);
}

std::vector<IntervalRow> parse_timeseries_csv(std::string_view text, const std::string& file) {
  std::vector<IntervalRow> rows;
  std::optional<Columns> columns;
  int line_no = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!columns) {
      columns.emplace(line, file);
      continue;
    }
    rows.push_back(parse_row(*columns, split(line, ','), line_no));
  }
  return rows;
}

const json& json_at(const json& doc, std::initializer_list<std::string_view> path) {
  static const json kNull;
  const json* at = &doc;
  for (std::string_view key : path) {
    if (!at->is_object()) return kNull;
    const auto it = at->find(key);
    if (it == at->end()) return kNull;
    at = &*it;
  }
  return *at;
}

const json& RunData::option_summary(const std::string& option) const {
  static const json kEmpty = json::object();
  const json& found = json_at(summary, {"options", option});
  return found.is_object() ? found : kEmpty;
}

bool RunData::is_http() const {
  for (const auto& o : options) {
    const json& reqs = json_at(option_summary(o), {"requests"});
    if (reqs.is_object() && !reqs.empty()) return true;
  }
  for (const auto& r : rows) {
    if (r.metric == "http_req_duration") return true;
  }
  return false;
}

RunData read_run(const std::filesystem::path& dir) {
  RunData run;
  run.dir = dir;
  run.summary = read_summary(dir);
  run.options = option_order(run.summary);
  if (const auto csv = dir / "timeseries.csv"; std::filesystem::exists(csv)) {
    run.rows = parse_timeseries_csv(read_input_file(csv, "timeseries"), csv.string());
    run.has_timeseries = true;
  }
  if (const auto sj = dir / "series.json"; std::filesystem::exists(sj)) {
    run.series = results::read_series_json(sj);
    run.has_series = true;
  }
  if (const auto hlog = dir / "latency.hlog"; std::filesystem::exists(hlog)) {
    std::ifstream in(hlog);
    if (!in) throw InputError(SourceLoc{hlog.string(), 0, 0}, "latency.hlog", "cannot read");
    try {
      run.read_percentiles = read_interval_percentiles(in, read_series(run.is_http()));
    } catch (const std::invalid_argument& e) {
      throw InputError(SourceLoc{hlog.string(), 0, 0}, "latency.hlog", e.what());
    }
  }
  return run;
}

}  // namespace lg::report
