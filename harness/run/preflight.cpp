#include "harness/run/preflight.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "harness/core/errors.hpp"

namespace lg::run {
namespace {

// What an option whose manifest states no bytes_per_product is taken to need when no other
// selected option states one either: the largest shipped option's (C's view and live table).
constexpr double kUnknownBytesPerProduct = 2800;

}  // namespace

int connections_needed(const scenario::Scenario& s) {
  const int reads =
      s.http_workload() ? (s.http.catalog_api ? s.http.api_pool : 0) : s.executor.peak_vus();
  const int writers = s.writer.enabled ? s.writer.executor.peak_vus() : 0;
  const int background =
      (s.refresher.enabled ? 1 : 0) + (s.staleness.enabled ? 1 : 0) + (s.faults.empty() ? 0 : 1);
  return reads + writers + background + 1;
}

void check_capacity(db::Connection& admin, const scenario::Scenario& s) {
  const auto r = admin.query(
      "SELECT current_setting('max_connections')::int, "
      "current_setting('superuser_reserved_connections')::int, "
      "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int");
  const int max = std::stoi(std::string(r.get(0, 0)));
  const int reserved = std::stoi(std::string(r.get(0, 1)));
  const int in_use = std::stoi(std::string(r.get(0, 2)));
  // The admin connection is one of those in use, and one of those the run needs.
  const int free = max - reserved - in_use + 1;
  const int needed = connections_needed(s);
  if (needed <= free) return;
  throw InfraError("the target accepts " + std::to_string(free) +
                   " more connections (max_connections " + std::to_string(max) + ", " +
                   std::to_string(reserved) + " reserved, " + std::to_string(in_use) +
                   " in use) but the scenario needs " + std::to_string(needed) +
                   " (VUs, writers, background activities and the admin connection): lower the "
                   "VUs or raise max_connections");
}

std::uint64_t dataset_disk_bytes(const scenario::Scenario& s,
                                 const std::vector<option::SchemaOption>& options) {
  // An unknown footprint (0) is assumed as large as the largest known one: a disk check that
  // passes a run which then fills the disk has measured nothing.
  double largest = 0;
  for (const auto& o : options)
    largest = std::max(largest, static_cast<double>(o.bytes_per_product));
  if (largest == 0) largest = kUnknownBytesPerProduct;
  double per_product = 0;
  for (const auto& o : options) {
    per_product += o.bytes_per_product > 0 ? static_cast<double>(o.bytes_per_product) : largest;
  }
  const double data = per_product * static_cast<double>(s.dataset.products) * 1.25;
  const double wal = std::min(data, 1024.0 * 1024 * 1024);
  return static_cast<std::uint64_t>(data + wal) + (64ULL << 20);
}

void check_disk(const Target& target, const scenario::Scenario& s,
                const std::vector<option::SchemaOption>& options) {
  if (!target.embedded || !target.cluster) return;
  struct statvfs fs {};
  const auto dir = target.cluster->data_dir();
  if (::statvfs(dir.c_str(), &fs) != 0) return;  // unknowable after all: the build will say
  const std::uint64_t free = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  const std::uint64_t need = dataset_disk_bytes(s, options);
  if (free >= need) return;
  char line[400];
  std::snprintf(line, sizeof line,
                "the embedded cluster's disk (%s) has %.2f GB free but %lld products of %zu "
                "option(s) need about %.2f GB: free some space, or point TMPDIR at a larger disk",
                dir.c_str(), static_cast<double>(free) / 1e9,
                static_cast<long long>(s.dataset.products), options.size(),
                static_cast<double>(need) / 1e9);
  throw InfraError(line);
}

}  // namespace lg::run
