#include <algorithm>
#include <cstdio>
#include <string>

#include "harness/core/files.hpp"
#include "harness/results/report.hpp"

namespace lg::results {
namespace {

// printf-formats one row onto `out`.
template <class... Args>
void append_row(std::string& out, const char* format, Args... args) {
  const int n = std::snprintf(nullptr, 0, format, args...);
  if (n <= 0) return;
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(n) + 1);
  std::snprintf(out.data() + at, static_cast<std::size_t>(n) + 1, format, args...);
  out.resize(at + static_cast<std::size_t>(n));
}

}  // namespace

void write_timeseries_csv(const RunReport& r, const std::filesystem::path& file) {
  std::string out =
      "option,stage,t_start_s,t_end_s,metric,query,request,read_source,kind,during_refresh,count,"
      "errors,throughput_per_s,p50_ms,p95_ms,p99_ms,max_ms,vus,refresh_in_flight";
  // One column per error class, after the historical ones (readers go by header name).
  for (std::size_t i = 0; i < kErrorClasses; ++i) {
    out += ",errors_" + std::string(error_class_name(error_class_at(i)));
  }
  out += ",trial\n";
  for (const auto& row : r.timeseries) {
    const double span = row.t_end_s - row.t_start_s;
    append_row(out, "%s,%s,%.3f,%.3f,%s,%s,%s,%s,%s,%s,%lld,%lld,%.2f,%.3f,%.3f,%.3f,%.3f,%d,%d",
               row.option.c_str(), row.stage.c_str(), row.t_start_s, row.t_end_s,
               row.metric.c_str(), tag_value(row.tags, "query").c_str(),
               tag_value(row.tags, "request").c_str(), tag_value(row.tags, "read_source").c_str(),
               tag_value(row.tags, "kind").c_str(), tag_value(row.tags, "during_refresh").c_str(),
               static_cast<long long>(row.count), static_cast<long long>(row.errors),
               span > 0 ? static_cast<double>(row.count) / span : 0.0, row.p50_ms, row.p95_ms,
               row.p99_ms, row.max_ms, row.vus, row.refresh_in_flight ? 1 : 0);
    for (const auto n : row.by_class) append_row(out, ",%lld", static_cast<long long>(n));
    append_row(out, ",%d\n", std::max(1, row.trial));
  }
  write_file_atomic(file, out);
}

}  // namespace lg::results
