#pragma once
// Builds one schema option from its folder (option.toml and its DDL files) and the generated
// products: drop, tables, COPY, indexes, the after-load files (option C's view and live table),
// VACUUM (ANALYZE).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "datagen/copy_loader.hpp"
#include "datagen/product_gen.hpp"
#include "harness/db/connection.hpp"
#include "harness/option/schema_option.hpp"

namespace lg::datagen {

/// Wall time of each build_option phase, in seconds.
struct BuildTimes {
  double copy_s = 0;     ///< the tables' DDL + COPY FREEZE (generation included), one transaction
  double indexes_s = 0;  ///< the [ddl] indexes files
  /// Per [ddl] after_load file, in order: its stem and seconds (option C: "view", "live").
  std::vector<std::pair<std::string, double>> after_load;
  double vacuum_s = 0;  ///< VACUUM (ANALYZE)
  bool reused = false;  ///< an intact earlier build was kept (all phase times are then 0)
  /// Seconds of every after_load file.
  double after_load_s() const;
  double total() const { return copy_s + indexes_s + after_load_s() + vacuum_s; }
};

/// The option's DDL text of `files` (a list of its [ddl] files), joined in order. Throws
/// InputError when a file cannot be read.
std::string ddl_text(const std::vector<std::filesystem::path>& files);

/// (Re)builds `option` with gen's products, as its manifest says. Assumes the safety guard
/// passed (db::ensure_marked). Steps: db::drop_schema of its schema; in one transaction its
/// [ddl] tables files and COPY ... FREEZE into its [dataset] relation; its [ddl] indexes files
/// (maintenance_work_mem 256MB); each [ddl] after_load file (option C: the view WITH DATA, its
/// indexes and refresh function, then the `trigger` strategy's live table); VACUUM (ANALYZE) of
/// the schema's tables and views. Throws InputError when a file is missing, db::DbError when a
/// statement fails. Returns the time of each phase.
BuildTimes build_option(db::Connection& conn, const option::SchemaOption& option,
                        const ProductGenerator& gen, const ProgressFn& progress);

/// Sizes of every table, materialized view and index in the option's schema, in bytes:
/// {"option":"A","schema":"loadgate_a","total_bytes":N,"relations":[{"name","kind"
/// ("table"|"view"|"index"),"table" (indexes only),"bytes" (pg_relation_size),
/// "total_bytes" (pg_total_relation_size)}, ...]} sorted by name. Throws db::DbError.
nlohmann::json relation_sizes(db::Connection& conn, const option::SchemaOption& option);

}  // namespace lg::datagen
