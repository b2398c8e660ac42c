#pragma once
// Builds one schema option from sql/schema/ and the generated products (issue 2, items 4-5):
// drop, tables, COPY, indexes (and option C's view and live table), ANALYZE.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "datagen/copy_loader.hpp"
#include "datagen/product_gen.hpp"
#include "harness/db/connection.hpp"

namespace lg::datagen {

/// The table DDL of an option (sql_dir/schema): a.sql, b.sql, or for C b.sql moved to
/// loadgate_c followed by c.sql (C's own tables). Throws InputError when a file is missing.
std::string schema_sql(const std::filesystem::path& schema_dir, char option);
/// The post-load index DDL: a_indexes.sql, b_indexes.sql, or for C b_indexes.sql moved to
/// loadgate_c. Throws InputError when a file is missing.
std::string indexes_sql_of(const std::filesystem::path& schema_dir, char option);

/// Wall time of each build_option phase, in seconds.
struct BuildTimes {
  double copy_s = 0;     ///< CREATE TABLE + COPY FREEZE (generation included), one transaction
  double indexes_s = 0;  ///< <x>_indexes.sql
  double view_s = 0;     ///< option C: the view WITH DATA, its indexes, the refresh function
  double live_s = 0;     ///< option C: c_live.sql, the live table filled from the view + indexes
  double vacuum_s = 0;   ///< VACUUM (ANALYZE)
  bool reused = false;   ///< an intact earlier build was kept (all phase times are then 0)
  double total() const { return copy_s + indexes_s + view_s + live_s + vacuum_s; }
};

/// (Re)builds option A, B or C with gen's products. Assumes the safety guard passed
/// (db::ensure_marked). Steps: db::drop_option_schema; in one transaction <x>.sql and
/// COPY ... FREEZE; <x>_indexes.sql (maintenance_work_mem 256MB); for C, c_view.sql (view WITH
/// DATA, its indexes, refresh function) then c_live.sql (the `trigger` strategy's read table
/// product_search_live filled from the view, its indexes, its sync trigger created disabled);
/// VACUUM (ANALYZE) of the schema's tables and views.
/// sql_dir is the repository's sql/ folder. Throws InputError when a .sql file is missing,
/// db::DbError when a statement fails, std::invalid_argument for an option other than A/B/C.
/// Returns the time of each phase.
BuildTimes build_option(db::Connection& conn, char option, const ProductGenerator& gen,
                        const std::filesystem::path& sql_dir, const ProgressFn& progress);

/// Sizes of every table, materialized view and index in loadgate_<x>, in bytes:
/// {"option":"A","schema":"loadgate_a","total_bytes":N,"relations":[{"name","kind"
/// ("table"|"view"|"index"),"table" (indexes only),"bytes" (pg_relation_size),
/// "total_bytes" (pg_total_relation_size)}, ...]} sorted by name. Throws db::DbError.
nlohmann::json relation_sizes(db::Connection& conn, char option);

}  // namespace lg::datagen
