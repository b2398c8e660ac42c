#pragma once
// What a scenario needs of its target, checked before anything is built: a run that would
// start and then fail ("too many clients", a full disk under the dataset) measures nothing and
// says it late. Each check refuses with one line saying what is short (InfraError, exit 3).

#include <cstdint>

#include "harness/db/connection.hpp"
#include "harness/run/target.hpp"
#include "harness/scenario/model.hpp"

namespace lg::run {

/// The connections a run holds at its peak: the VUs (or catalog-api's pool), the write mix's
/// VUs, the background activities (refresher, staleness probe, timed steps) and the admin one.
int connections_needed(const scenario::Scenario& s);

/// Throws InfraError when the target cannot accept connections_needed(s) more connections
/// (max_connections minus the reserved ones minus those in use; `admin` is one of the run's).
void check_capacity(db::Connection& admin, const scenario::Scenario& s);

/// Bytes the scenario's datasets take on disk, with the WAL written while loading them: per
/// product A 0.90 KB, B 1.0 KB, C 2.8 KB (tables, indexes, view and live table; measured at
/// 20K products on PostgreSQL 15), a quarter more for the run's writes and refreshes, plus the
/// WAL (as much again, at most 1 GiB) and 64 MiB.
std::uint64_t dataset_disk_bytes(const scenario::Scenario& s);

/// For the embedded cluster (whose disk is known: its data directory's file system), throws
/// InfraError when that file system has less free space than dataset_disk_bytes(s). An
/// external target's disk is not knowable from here and is not checked.
void check_disk(const Target& target, const scenario::Scenario& s);

}  // namespace lg::run
