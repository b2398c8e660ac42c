#pragma once
// catalog-api's own metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Recording is lock-free
// (atomics) except the per-status request counter, which takes one short mutex.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "catalog_api/source.hpp"

namespace lg::api {

/// Every route the server answers; the metric label is its pattern (route_label).
enum class Route : int {
  kListProducts,
  kSearch,
  kCategoryProducts,
  kBrandProducts,
  kProductBySlug,
  kCreateProduct,
  kUpdateProduct,
  kDeleteProduct,
  kHealth,
  kMetrics,
  kRollout,
  kPing,
  kUnmatched,  ///< no route matched, or cpp-httplib rejected the request itself
};
inline constexpr int kRouteCount = static_cast<int>(Route::kUnmatched) + 1;

/// HTTP method of a route ("GET", "POST", …), the `method` label.
std::string_view route_method(Route r);
/// Route pattern, e.g. "/api/products/:slug" (the `route` label); "unmatched" for kUnmatched.
std::string_view route_label(Route r);

/// Appends a counter without labels, with its HELP and TYPE lines.
void append_counter(std::string& out, std::string_view name, std::string_view help,
                    std::uint64_t value);
/// Appends a gauge without labels, with its HELP and TYPE lines (NaN allowed).
void append_gauge(std::string& out, std::string_view name, std::string_view help, double value);

/// The metric registry of one server. Thread-safe.
class Metrics {
 public:
  /// Upper bounds of the duration histogram buckets, seconds (+Inf is implicit).
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /// Records one handled request: duration (seconds) by route and read source.
  void observe(Route r, ReadSource s, double seconds) noexcept;
  /// Counts one response by route and HTTP status.
  void count_request(Route r, int status);
  /// Counts one option C view read that failed and was answered from custom_posts.
  void count_fallback() noexcept { fallbacks_.fetch_add(1, std::memory_order_relaxed); }
  /// Fallbacks counted so far.
  std::uint64_t fallbacks() const noexcept { return fallbacks_.load(std::memory_order_relaxed); }
  /// Sets the view staleness gauge, seconds; nullopt when unknown (rendered as NaN).
  void set_staleness(std::optional<double> seconds) noexcept;

  /// The whole registry in exposition format 0.0.4; `rollout_percent` is rendered as a gauge.
  std::string render(int rollout_percent) const;

 private:
  struct Series {
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  void render_histogram(std::string& out) const;
  void render_requests(std::string& out) const;

  std::array<std::array<Series, kReadSourceCount>, kRouteCount> durations_{};
  std::atomic<std::uint64_t> fallbacks_{0};
  std::atomic<double> staleness_{-1.0};  // < 0: unknown
  mutable std::mutex requests_mutex_;
  std::map<std::pair<int, int>, std::uint64_t> requests_;  // (route, status) -> count
};

}  // namespace lg::api
