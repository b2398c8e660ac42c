#include "catalog_api/prom.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace lg::api {
namespace {

// Prometheus float text; NaN spelled as the format wants.
std::string number(double v) {
  if (v != v) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string labels(Route r, std::string_view extra_name, std::string_view extra_value) {
  std::string s = "method=\"";
  s += route_method(r);
  s += "\",route=\"";
  s += route_label(r);
  s += "\",";
  s += extra_name;
  s += "=\"";
  s += extra_value;
  s += "\"";
  return s;
}

void append_metric(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help, const std::string& value) {
  const std::string n(name);
  out += "# HELP " + n + " " + std::string(help) + "\n# TYPE " + n + " " + std::string(type) +
         "\n" + n + " " + value + "\n";
}

}  // namespace

std::string_view route_method(Route r) {
  switch (r) {
    case Route::kCreateProduct:
    case Route::kRollout:
      return "POST";
    case Route::kUpdateProduct:
      return "PUT";
    case Route::kDeleteProduct:
      return "DELETE";
    case Route::kUnmatched:
      return "ANY";
    default:
      return "GET";
  }
}

// A switch without default: -Wswitch flags a Route added without its label.
std::string_view route_label(Route r) {
  switch (r) {
    case Route::kListProducts:
    case Route::kCreateProduct:
      return "/api/products";
    case Route::kSearch:
      return "/api/products/search";
    case Route::kCategoryProducts:
      return "/api/categories/:id/products";
    case Route::kBrandProducts:
      return "/api/brands/:brand/products";
    case Route::kProductBySlug:
      return "/api/products/:slug";
    case Route::kUpdateProduct:
    case Route::kDeleteProduct:
      return "/api/products/:id";
    case Route::kHealth:
      return "/health";
    case Route::kMetrics:
      return "/metrics";
    case Route::kRollout:
      return "/admin/rollout";
    case Route::kPing:
      return "/ping";
    case Route::kUnmatched:
      break;
  }
  return "unmatched";
}

void append_counter(std::string& out, std::string_view name, std::string_view help,
                    std::uint64_t value) {
  append_metric(out, name, "counter", help, std::to_string(value));
}

void append_gauge(std::string& out, std::string_view name, std::string_view help, double value) {
  append_metric(out, name, "gauge", help, number(value));
}

void Metrics::observe(Route r, ReadSource s, double seconds) noexcept {
  Series& series = durations_[static_cast<std::size_t>(r)][static_cast<std::size_t>(s)];
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) - kBuckets.begin());
  series.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  series.count.fetch_add(1, std::memory_order_relaxed);
  series.sum_ns.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9),
                          std::memory_order_relaxed);
}

void Metrics::count_request(Route r, int status) {
  std::lock_guard lock(requests_mutex_);
  ++requests_[{static_cast<int>(r), status}];
}

void Metrics::set_staleness(std::optional<double> seconds) noexcept {
  staleness_.store(seconds ? std::max(0.0, *seconds) : -1.0, std::memory_order_relaxed);
}

void Metrics::render_histogram(std::string& out) const {
  out +=
      "# HELP catalog_api_request_duration_seconds Time to handle a request, by route and "
      "read source.\n# TYPE catalog_api_request_duration_seconds histogram\n";
  for (int r = 0; r < kRouteCount; ++r) {
    for (int s = 0; s < kReadSourceCount; ++s) {
      const Series& series = durations_[static_cast<std::size_t>(r)][static_cast<std::size_t>(s)];
      const std::uint64_t count = series.count.load(std::memory_order_relaxed);
      if (count == 0) continue;  // most route x source pairs cannot happen
      const std::string l =
          labels(static_cast<Route>(r), "source", source_name(static_cast<ReadSource>(s)));
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
        cumulative += series.buckets[b].load(std::memory_order_relaxed);
        const std::string le = b < kBuckets.size() ? number(kBuckets[b]) : "+Inf";
        out += "catalog_api_request_duration_seconds_bucket{" + l + ",le=\"" + le + "\"} " +
               std::to_string(cumulative) + "\n";
      }
      out += "catalog_api_request_duration_seconds_sum{" + l + "} " +
             number(static_cast<double>(series.sum_ns.load(std::memory_order_relaxed)) / 1e9) +
             "\n";
      // _count equals the +Inf bucket so the series stays consistent under concurrent writes.
      out += "catalog_api_request_duration_seconds_count{" + l + "} " + std::to_string(cumulative) +
             "\n";
    }
  }
}

void Metrics::render_requests(std::string& out) const {
  out +=
      "# HELP catalog_api_requests_total Responses sent, by route and HTTP status.\n"
      "# TYPE catalog_api_requests_total counter\n";
  std::lock_guard lock(requests_mutex_);
  for (const auto& [key, n] : requests_) {
    out += "catalog_api_requests_total{" +
           labels(static_cast<Route>(key.first), "status", std::to_string(key.second)) + "} " +
           std::to_string(n) + "\n";
  }
}

std::string Metrics::render(int rollout_percent) const {
  std::string out;
  out.reserve(8192);
  render_histogram(out);
  render_requests(out);
  out +=
      "# HELP catalog_api_mv_fallback_total Option C view reads that failed and were "
      "answered from custom_posts.\n# TYPE catalog_api_mv_fallback_total counter\n"
      "catalog_api_mv_fallback_total " +
      std::to_string(fallbacks()) + "\n";
  const double staleness = staleness_.load(std::memory_order_relaxed);
  out +=
      "# HELP catalog_api_mv_staleness_seconds Seconds since the last successful view "
      "refresh finished (NaN: unknown).\n# TYPE catalog_api_mv_staleness_seconds gauge\n"
      "catalog_api_mv_staleness_seconds " +
      number(staleness < 0 ? std::numeric_limits<double>::quiet_NaN() : staleness) + "\n";
  out +=
      "# HELP catalog_api_mv_rollout_percent Share of option C listing reads sent to the "
      "view, percent.\n# TYPE catalog_api_mv_rollout_percent gauge\n"
      "catalog_api_mv_rollout_percent " +
      std::to_string(rollout_percent) + "\n";
  return out;
}

}  // namespace lg::api
