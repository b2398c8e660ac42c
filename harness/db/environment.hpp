#pragma once
// What a run's results depend on besides the code: server version and settings, host, build.
// Recorded in summary.json so two runs can be compared honestly.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "harness/db/connection.hpp"

namespace lg::db {

/// Server settings that change results, read from pg_settings (every key is always present;
/// null when the server lacks the setting).
// clang-format off
inline constexpr const char* kResultSettings[] = {
    "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "effective_cache_size",
    "work_mem", "maintenance_work_mem", "jit", "max_connections", "random_page_cost",
    "max_parallel_workers_per_gather", "huge_pages", "max_wal_size"};
// clang-format on

/// Snapshot of the environment, shaped as:
///   {"postgres": {"version": "PostgreSQL 15.x ...", "server_version_num": 150020},
///    "settings": {"<name>": {"value": "16384", "unit": "8kB", "display": "128MB"} | null, ...},
///    "host": {"cores": 8, "cpu_model": "...", "mem_total_bytes": N, "sysname": "Linux",
///             "release": "...", "machine": "x86_64"},
///    "loadgate": {"version": "0.1.0", "git_commit": "abc123..."}}
/// "value"/"unit" are pg_settings' raw setting and unit ("unit" null when unitless);
/// "display" is current_setting(). Host facts that cannot be read are null. Throws DbError.
nlohmann::json capture_environment(Connection& conn);

/// Cumulative shared-buffer counters of the current database (pg_stat_database).
struct BufferStats {
  std::int64_t blks_hit = 0;   ///< reads served from shared buffers
  std::int64_t blks_read = 0;  ///< reads that went to the OS (page cache or disk)
};

/// Reads pg_stat_database for current_database(), after pg_stat_clear_snapshot() so repeated
/// calls in one session see fresh values (and, on 15+, pg_stat_force_next_flush() so this
/// connection's own reads are counted). Other backends flush their counters
/// when they go idle, at most about once a second (PostgreSQL 15), and on disconnect: take the
/// "after" sample once the measured connections have closed, or accept ~1 s of lag. Throws DbError.
BufferStats buffer_stats(Connection& conn);

/// Share of block accesses between two samples served from shared buffers, in [0, 1].
/// nullopt when no block was accessed (a ratio of nothing is not 100%) or the counters went
/// backwards (stats reset between the samples).
std::optional<double> hit_ratio(const BufferStats& before, const BufferStats& after);

}  // namespace lg::db
