#include "harness/metrics/series_stats.hpp"

#include <array>
#include <utility>

namespace lg::metrics {
namespace {

using Entry = std::pair<std::string_view, MetricKind>;

// The built-in metrics of docs/architecture.md "Vocabulary", typed as k6 types its own.
constexpr std::array<Entry, 20> kBuiltins{{
    {"sql_duration", MetricKind::kTrend},
    {"sql_service_time", MetricKind::kTrend},
    {"http_req_duration", MetricKind::kTrend},
    {"http_req_service_time", MetricKind::kTrend},
    {"mv_refresh_duration", MetricKind::kTrend},
    {"mv_staleness", MetricKind::kTrend},
    {"mv_age", MetricKind::kTrend},
    {"iteration_duration", MetricKind::kTrend},
    {"schedule_lag", MetricKind::kTrend},
    {"sql_failed", MetricKind::kRate},
    {"http_req_failed", MetricKind::kRate},
    {"mv_refresh_failed", MetricKind::kRate},
    {"checks", MetricKind::kRate},
    {"iterations", MetricKind::kCounter},
    {"dropped_iterations", MetricKind::kCounter},
    {"http_reqs", MetricKind::kCounter},
    {"sql_queries", MetricKind::kCounter},
    {"mv_refreshes", MetricKind::kCounter},
    {"connections_lost", MetricKind::kCounter},
    {"reconnects", MetricKind::kCounter},
}};

}  // namespace

std::optional<MetricKind> builtin_metric_kind(std::string_view metric) {
  for (const auto& [name, kind] : kBuiltins) {
    if (name == metric) return kind;
  }
  return std::nullopt;
}

}  // namespace lg::metrics
