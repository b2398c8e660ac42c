#pragma once
// What a scenario needs of its target, checked before anything is built: a run that would
// start and then fail ("too many clients", a full disk under the dataset) measures nothing and
// says it late. Each check refuses with one line saying what is short (InfraError, exit 3).

#include <cstdint>
#include <vector>

#include "harness/db/connection.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/run/target.hpp"
#include "harness/scenario/model.hpp"

namespace lg::run {

/// The connections a run holds at its peak: the VUs (or catalog-api's pool), the write mix's
/// VUs, the background activities (refresher, staleness probe, timed steps) and the admin one.
int connections_needed(const scenario::Scenario& s);

/// Throws InfraError when the target cannot accept connections_needed(s) more connections
/// (max_connections minus the reserved ones minus those in use; `admin` is one of the run's).
void check_capacity(db::Connection& admin, const scenario::Scenario& s);

/// Bytes the datasets of `options` (the scenario's, selected) take on disk, with the WAL
/// written while loading them: per product each option's [dataset] bytes_per_product (A 0.90
/// KB, B 1.0 KB, C 2.8 KB: tables, indexes, view and live table, measured at 20K products on
/// PostgreSQL 15; an option that states none is taken to be as large as the largest of them),
/// a quarter more for the run's writes and refreshes, plus the WAL (as much again, at most
/// 1 GiB) and 64 MiB.
std::uint64_t dataset_disk_bytes(const scenario::Scenario& s,
                                 const std::vector<option::SchemaOption>& options);

/// For the embedded cluster (whose disk is known: its data directory's file system), throws
/// InfraError when that file system has less free space than dataset_disk_bytes(s, options).
/// An external target's disk is not knowable from here and is not checked.
void check_disk(const Target& target, const scenario::Scenario& s,
                const std::vector<option::SchemaOption>& options);

}  // namespace lg::run
