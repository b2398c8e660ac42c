#pragma once
// Resolves which database a subcommand talks to: --dsn, then PG* environment variables, else an
// embedded ephemeral cluster; and applies the safety guard before anything is created.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/db/cluster.hpp"
#include "harness/db/connection.hpp"

namespace lg::run {

struct TargetOptions {
  std::string dsn;           ///< --dsn or the scenario's [database] dsn; may be empty
  bool keep_db = false;      ///< --keep-db: leave the embedded cluster running, print its DSN
  bool mark_db = false;      ///< --mark-db: allow marking an external database as loadgate's
  int max_connections = 64;  ///< for the embedded cluster: VUs + background + admin
  /// Server settings for the embedded cluster (-c key=value); ignored, with a note on stderr,
  /// for an external database, which loadgate never reconfigures.
  std::vector<std::pair<std::string, std::string>> settings;
};

/// An open target database. Destroying it stops the embedded cluster (unless keep_db).
struct Target {
  std::string conninfo;  ///< what every connection uses ("" = libpq reads PG* variables)
  std::string display;   ///< redacted, for output
  bool embedded = false;
  std::unique_ptr<db::EmbeddedCluster> cluster;
};

/// True when a PG* variable that selects a server is set (PGHOST, PGHOSTADDR, PGPORT,
/// PGDATABASE, PGUSER, PGSERVICE).
bool pg_env_present();

/// Opens the target and checks the guard: an embedded cluster is marked at once; an external
/// database must already carry loadgate's marker, or mark_db must be set (else InputError,
/// exit 2). Throws InfraError when unreachable or the cluster fails to start (exit 3).
Target open_target(const TargetOptions& options);

/// Prints the kept cluster's DSN and how to stop it (for --keep-db), on stderr.
void announce_kept(const Target& target);

}  // namespace lg::run
