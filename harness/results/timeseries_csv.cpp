#include <cstdio>
#include <memory>

#include "harness/core/errors.hpp"
#include "harness/results/report.hpp"

namespace lg::results {

void write_timeseries_csv(const RunReport& r, const std::filesystem::path& file) {
  std::unique_ptr<std::FILE, decltype(&std::fclose)> out(std::fopen(file.c_str(), "w"),
                                                         &std::fclose);
  if (!out) throw InfraError("cannot write " + file.string());
  std::fputs(
      "option,stage,t_start_s,t_end_s,metric,query,request,read_source,kind,during_refresh,count,"
      "errors,throughput_per_s,p50_ms,p95_ms,p99_ms,max_ms,vus,refresh_in_flight\n",
      out.get());
  for (const auto& row : r.timeseries) {
    const double span = row.t_end_s - row.t_start_s;
    std::fprintf(
        out.get(), "%s,%s,%.3f,%.3f,%s,%s,%s,%s,%s,%s,%lld,%lld,%.2f,%.3f,%.3f,%.3f,%.3f,%d,%d\n",
        row.option.c_str(), row.stage.c_str(), row.t_start_s, row.t_end_s, row.metric.c_str(),
        tag_value(row.tags, "query").c_str(), tag_value(row.tags, "request").c_str(),
        tag_value(row.tags, "read_source").c_str(), tag_value(row.tags, "kind").c_str(),
        tag_value(row.tags, "during_refresh").c_str(), static_cast<long long>(row.count),
        static_cast<long long>(row.errors), span > 0 ? static_cast<double>(row.count) / span : 0.0,
        row.p50_ms, row.p95_ms, row.p99_ms, row.max_ms, row.vus, row.refresh_in_flight ? 1 : 0);
  }
  if (std::ferror(out.get())) throw InfraError("cannot write " + file.string());
}

}  // namespace lg::results
