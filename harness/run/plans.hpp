#pragma once
// Captures each query's plan once per option (EXPLAIN (FORMAT JSON) with real parameters) into
// results/<run>/plans/<option>/<query>.json, and warns when a plan scans a large table
// sequentially, so an unfair comparison is visible.

#include <filesystem>
#include <string>
#include <vector>

#include "datagen/product_gen.hpp"
#include "harness/db/connection.hpp"
#include "harness/driver/pg_driver.hpp"
#include "harness/workload/catalog.hpp"

namespace lg::run {

/// Relations with at least this many rows (pg_class.reltuples) count as large.
constexpr double kLargeRelationRows = 5'000;

/// Writes one plan per statement in `statements` (the SQL the VUs run, named after catalog
/// queries, whose generators draw the parameters) for `option`; returns warnings such as
/// "option B query category_page: Seq Scan on loadgate_b.custom_posts (10000 rows)".
/// A query that fails to EXPLAIN yields a warning, not an exception.
std::vector<std::string> capture_plans(db::Connection& conn, const workload::Catalog& catalog,
                                       const std::string& option,
                                       const std::vector<driver::Statement>& statements,
                                       const datagen::ProductGenerator& gen, std::uint64_t seed,
                                       const std::filesystem::path& out_dir);

}  // namespace lg::run
