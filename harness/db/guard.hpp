#pragma once
// The safety guard (DESIGN.md "Ground rules"): loadgate creates and drops objects only in its
// own schemas, and only in a database that carries its marker, loadgate_meta.marker.

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

/// Schema of a schema option: 'A' -> "loadgate_a" (also 'a'). Throws std::invalid_argument for
/// any other letter: that is a programming error, never user input.
std::string option_schema(char option);

/// The only place loadgate issues DROP SCHEMA: DROP SCHEMA IF EXISTS loadgate_<x> CASCADE for
/// option A, B or C (std::invalid_argument otherwise). Refuses with lg::InputError when the
/// database is not marked, so a caller that skipped ensure_marked still cannot drop anything.
void drop_option_schema(Connection& conn, char option);

}  // namespace lg::db
