#include "harness/run/target.hpp"

#include <cstdio>
#include <cstdlib>

#include "harness/db/guard.hpp"

namespace lg::run {

bool pg_env_present() {
  for (const char* name : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

Target open_target(const TargetOptions& options) {
  Target t;
  if (!options.dsn.empty() || pg_env_present()) {
    t.conninfo = options.dsn;
    t.display = options.dsn.empty() ? "PG* environment" : db::redact_dsn(options.dsn);
    auto conn = db::Connection::open(t.conninfo);
    db::ensure_marked(conn, options.mark_db, t.display);
    if (!options.settings.empty()) {
      std::fprintf(stderr,
                   "note: [database.settings] apply to the embedded cluster only; %s keeps its "
                   "own configuration\n",
                   t.display.c_str());
    }
    return t;
  }
  db::ClusterOptions co;
  co.max_connections = options.max_connections;
  co.settings = options.settings;
  co.keep = options.keep_db;
  t.cluster = db::EmbeddedCluster::start(co);
  t.conninfo = t.cluster->dsn();
  t.display = "embedded cluster (" + t.conninfo + ")";
  t.embedded = true;
  auto conn = db::Connection::open(t.conninfo);
  db::ensure_marked(conn, true, t.display);
  return t;
}

void announce_kept(const Target& target) {
  if (!target.cluster || !target.cluster->options().keep) return;
  std::fprintf(stderr,
               "kept embedded cluster: %s\n  stop it with: pg_ctl -D %s stop  (then remove %s)\n",
               target.conninfo.c_str(), target.cluster->data_dir().c_str(),
               target.cluster->base_dir().c_str());
}

}  // namespace lg::run
