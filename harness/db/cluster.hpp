#pragma once
// An embedded, ephemeral PostgreSQL cluster: initdb into a private temp directory, a server
// listening only on a unix socket inside it, torn down (stopped and deleted) at the end.
//
// Root: PostgreSQL refuses to run as root, and CI machines often are root. When geteuid() == 0
// every PostgreSQL program (initdb, pg_ctl and so the server) runs as an unprivileged user: the
// `postgres` user when it exists, else `nobody`. The base directory is chown'ed to that user and
// each child drops privileges itself (fork, setgroups/setgid/setuid, exec): no shell, no sudo.
// The calling process keeps its identity and reaches the server over the socket (trust auth).
//
// Signals: every child runs in its own session (setsid), so a terminal Ctrl-C reaches loadgate
// but not the postmaster; loadgate's own cleanup calls stop().
//
// No orphans: the server is `postgres` itself (not pg_ctl, whose postmaster is a grandchild),
// started with PR_SET_PDEATHSIG = SIGQUIT, so a loadgate killed with SIGKILL takes the
// postmaster and its backends with it (not with keep). The death signal fires when the THREAD
// that forked exits: call start() from a thread that lives as long as the cluster (main).
// Each base directory holds loadgate.owner (the owner's pid and start time); start() first
// removes /tmp/lg-* directories whose owner is gone, stopping a postmaster still running there.
// A live loadgate's directory, and a --keep-db one, are never removed.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lg::db {

/// Identity the PostgreSQL programs run under: the caller's own, or (when root) an
/// unprivileged user's with its supplementary groups.
struct ChildUser {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

/// How to start the embedded cluster.
struct ClusterOptions {
  int max_connections = 100;        ///< size it for VUs plus background connections
  bool keep = false;                ///< stop() leaves the server running and its directory in place
  std::string dbname = "loadgate";  ///< created after start ("postgres" is not re-created)
  /// Extra server settings, passed as -c key=value (key: [A-Za-z0-9_.]).
  std::vector<std::pair<std::string, std::string>> settings;
};

/// A running embedded cluster. Not copyable; stop() (or the destructor) tears it down.
class EmbeddedCluster {
 public:
  /// Removes stale clusters of killed runs (see above), then initdb + postgres + CREATE
  /// DATABASE. Takes a few seconds. Call from a long-lived thread (the death signal's owner).
  /// Throws lg::InfraError (exit 3) with a one-line reason, including the tail of initdb's or
  /// the server's log, when PostgreSQL binaries are missing or the cluster fails to start;
  /// lg::InputError for an invalid setting name. A failed start leaves no directory behind.
  static std::unique_ptr<EmbeddedCluster> start(const ClusterOptions& options);

  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;
  ~EmbeddedCluster();

  /// libpq keyword DSN: "host=<socket dir> port=5432 dbname=<dbname> user=loadgate".
  /// No password: the cluster uses trust authentication on a private socket directory.
  const std::string& dsn() const { return dsn_; }
  /// DSN of another database in the same cluster (e.g. "postgres").
  std::string dsn_for(const std::string& dbname) const;
  /// Private temp directory: data/, the socket, server.log, initdb.log, loadgate.owner.
  const std::filesystem::path& base_dir() const { return base_; }
  /// The data directory (for `pg_ctl -D <data_dir> stop` after --keep-db).
  std::filesystem::path data_dir() const { return base_ / "data"; }
  /// Options the cluster was started with, settings included (recorded for the run).
  const ClusterOptions& options() const { return options_; }

  /// Idempotent. Unless keep: fast shutdown (SIGINT; SIGQUIT after 60 s, SIGKILL after 10 more)
  /// and remove the base directory. With keep: does nothing, the cluster stays up.
  void stop() noexcept;

 private:
  explicit EmbeddedCluster(ClusterOptions options);
  void init_data_dir();
  void start_server();
  void wait_ready(const std::filesystem::path& server_log);
  void create_database();
  void shutdown_server() noexcept;
  void discard() noexcept;
  int run(const std::vector<std::string>& argv, const std::filesystem::path& log) const;

  ClusterOptions options_;
  std::filesystem::path bin_dir_;
  std::filesystem::path base_;
  std::string dsn_;
  ChildUser user_;
  pid_t server_pid_ = -1;  ///< the postmaster, our child
  bool stopped_ = false;
};

}  // namespace lg::db
