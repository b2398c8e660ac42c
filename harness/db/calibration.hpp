#pragma once
// A short calibration of the machine and the target, recorded with every run
// (summary.json environment.calibration), so that two runs can be told apart by how fast their
// machines were, not only by what the code did: a fixed CPU loop on one thread (the generator's
// speed) and a burst of trivial statements on one connection (the round trip to the server and
// its per-statement cost, as pgbench's select-only script measures it).

#include <nlohmann/json.hpp>

#include "harness/core/clock.hpp"
#include "harness/db/connection.hpp"

namespace lg::db {

/// What the calibration measured.
struct Calibration {
  double cpu_mops = 0;          ///< fixed CPU loop: millions of iterations per second, one thread
  double statements_per_s = 0;  ///< `SELECT 1` round trips per second on one connection
  double statement_p50_us = 0;  ///< their median round trip, µs
  double seconds = 0;           ///< how long the calibration took
};

/// Runs the CPU loop for `cpu_budget` ns, then `SELECT 1` back to back on `conn` for `db_budget`
/// ns (each at least one batch). Throws DbError when a statement fails.
Calibration calibrate(Connection& conn, Nanos cpu_budget, Nanos db_budget);

/// {"cpu_mops", "statements_per_s", "statement_p50_us", "seconds"}.
nlohmann::json to_json(const Calibration& c);

}  // namespace lg::db
