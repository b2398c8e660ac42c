#include "harness/run/preflight.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "harness/core/errors.hpp"

namespace lg::run {
namespace {

// On-disk bytes per product of each option's dataset (see dataset_disk_bytes). An option this
// table does not know is taken to be as large as the largest.
struct OptionFootprint {
  char option;
  double bytes_per_product;
};
constexpr OptionFootprint kFootprints[] = {{'A', 900}, {'B', 1010}, {'C', 2800}};

double bytes_per_product(char option) {
  double largest = 0;
  for (const auto& f : kFootprints) {
    if (f.option == option) return f.bytes_per_product;
    largest = std::max(largest, f.bytes_per_product);
  }
  return largest;
}

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

std::uint64_t dataset_disk_bytes(const scenario::Scenario& s) {
  double per_product = 0;
  for (const char option : s.database.options) per_product += bytes_per_product(option);
  const double data = per_product * static_cast<double>(s.dataset.products) * 1.25;
  const double wal = std::min(data, 1024.0 * 1024 * 1024);
  return static_cast<std::uint64_t>(data + wal) + (64ULL << 20);
}

void check_disk(const Target& target, const scenario::Scenario& s) {
  if (!target.embedded || !target.cluster) return;
  struct statvfs fs {};
  const auto dir = target.cluster->data_dir();
  if (::statvfs(dir.c_str(), &fs) != 0) return;  // unknowable after all: the build will say
  const std::uint64_t free = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  const std::uint64_t need = dataset_disk_bytes(s);
  if (free >= need) return;
  char line[400];
  std::snprintf(line, sizeof line,
                "the embedded cluster's disk (%s) has %.2f GB free but %lld products of %zu "
                "option(s) need about %.2f GB: free some space, or point TMPDIR at a larger disk",
                dir.c_str(), static_cast<double>(free) / 1e9,
                static_cast<long long>(s.dataset.products), s.database.options.size(),
                static_cast<double>(need) / 1e9);
  throw InfraError(line);
}

}  // namespace lg::run
