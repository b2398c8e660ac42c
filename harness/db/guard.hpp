#pragma once
// The safety guard (docs/architecture.md "Rules every change keeps"): loadgate creates and drops
// objects only in its own schemas, and only in a database that carries its marker,
// loadgate_meta.marker.

#include <string>

#include "harness/db/connection.hpp"

namespace lg::db {

/// True when loadgate_meta.marker exists in the connected database. Throws DbError.
bool is_marked(Connection& conn);

/// Makes sure the database is a loadgate benchmark database before anything is created in it.
/// Marked: returns. Not marked and allow_mark (--mark-db, or an embedded cluster): creates
/// schema loadgate_meta and table loadgate_meta.marker(created_at, loadgate_version) with one
/// row, in one transaction. Otherwise throws lg::InputError (exit 2) naming the database by
/// `redacted_dsn` (redacted again here, so a password never reaches the message) and --mark-db.
void ensure_marked(Connection& conn, bool allow_mark, const std::string& redacted_dsn);

/// True for the name of a schema an option may own: loadgate_<lowercase letters, digits, _>,
/// never loadgate_meta (the guard's own).
bool is_option_schema(const std::string& schema);

/// The only place loadgate issues DROP SCHEMA: DROP SCHEMA IF EXISTS <schema> CASCADE for an
/// option's schema (std::invalid_argument for a name is_option_schema refuses: the manifest
/// loader refused it first, so that is a programming error). Refuses with lg::InputError when
/// the database is not marked, so a caller that skipped ensure_marked still cannot drop
/// anything.
void drop_schema(Connection& conn, const std::string& schema);

}  // namespace lg::db
