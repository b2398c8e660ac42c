#pragma once
// What one PostgreSQL backend has used so far, read from /proc/<pid> of a server on this
// machine (the embedded cluster, or a local one): CPU time from /proc/<pid>/stat, bytes read
// from and written to storage from /proc/<pid>/io (proc(5)). Lets the refresher report what a
// refresh itself cost, apart from the reads running beside it.

#include <cstdint>
#include <optional>

namespace lg::db {

/// Cumulative usage of one process.
struct BackendUsage {
  double cpu_s = 0;                         ///< user + system CPU, seconds
  std::optional<std::int64_t> read_bytes;   ///< storage reads (/proc/<pid>/io), if readable
  std::optional<std::int64_t> write_bytes;  ///< storage writes, if readable
};

/// Usage of process `pid`; nullopt when it is not on this machine or /proc is unreadable.
std::optional<BackendUsage> read_backend_usage(int pid);

}  // namespace lg::db
