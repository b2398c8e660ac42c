#include "harness/db/guard.hpp"

#include <regex>
#include <stdexcept>

#include "harness/core/errors.hpp"

#ifndef LOADGATE_VERSION
#define LOADGATE_VERSION "unknown"
#endif

namespace lg::db {

bool is_marked(Connection& conn) {
  return conn.scalar("SELECT to_regclass('loadgate_meta.marker') IS NOT NULL") == "t";
}

void ensure_marked(Connection& conn, bool allow_mark, const std::string& redacted_dsn) {
  if (is_marked(conn)) return;
  if (!allow_mark) {
    throw InputError("database", redact_dsn(redacted_dsn) +
                                     " is not a loadgate benchmark database (no "
                                     "loadgate_meta.marker); pass --mark-db to let loadgate "
                                     "create its schemas loadgate_a/b/c/meta there");
  }
  in_transaction(conn, [&] {
    conn.exec(
        "CREATE SCHEMA IF NOT EXISTS loadgate_meta;"
        "CREATE TABLE IF NOT EXISTS loadgate_meta.marker("
        "  created_at timestamptz NOT NULL DEFAULT now(), loadgate_version text)");
    conn.query(
        "INSERT INTO loadgate_meta.marker(loadgate_version) SELECT $1 "
        "WHERE NOT EXISTS (SELECT 1 FROM loadgate_meta.marker)",
        {std::string(LOADGATE_VERSION)});
  });
}

bool is_option_schema(const std::string& schema) {
  static const std::regex kOptionSchema("loadgate_[a-z0-9_]{1,40}");
  return std::regex_match(schema, kOptionSchema) && schema != "loadgate_meta";
}

void drop_schema(Connection& conn, const std::string& schema) {
  if (!is_option_schema(schema)) {
    throw std::invalid_argument("refusing to drop " + schema + ": not an option's schema");
  }
  if (!is_marked(conn)) {
    throw InputError("database", "refusing to drop schema " + schema +
                                     ": the database carries no loadgate_meta.marker");
  }
  // CASCADE lists every dropped object as a NOTICE; keep the user's terminal quiet.
  in_transaction(conn, [&] {
    conn.exec("SET LOCAL client_min_messages = warning");
    conn.exec("DROP SCHEMA IF EXISTS " + quote_ident(schema) + " CASCADE");
  });
}

}  // namespace lg::db
