#include "harness/report/run_data.hpp"

#include <algorithm>
#include <fstream>

#include "harness/core/errors.hpp"
#include "harness/report/interval_percentiles.hpp"

namespace lg::report {
namespace {

using nlohmann::json;

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
  auto folder = results::read_run_folder(dir, {.summary = results::Need::kRequired});
  RunData run;
  run.dir = dir;
  run.summary = std::move(*folder.summary);
  run.options = option_order(run.summary);
  run.has_timeseries = folder.timeseries.has_value();
  if (folder.timeseries) run.rows = std::move(*folder.timeseries);
  run.has_series = folder.series.has_value();
  if (folder.series) run.series = std::move(*folder.series);
  if (folder.hlog) {
    const std::string hlog = folder.hlog->string();
    std::ifstream in(*folder.hlog);
    if (!in) throw InputError(SourceLoc{hlog, 0, 0}, "latency.hlog", "cannot read");
    try {
      run.read_percentiles = read_interval_percentiles(in, read_series(run.is_http()));
    } catch (const std::invalid_argument& e) {
      throw InputError(SourceLoc{hlog, 0, 0}, "latency.hlog", e.what());
    }
  }
  return run;
}

}  // namespace lg::report
