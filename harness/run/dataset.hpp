#pragma once
// The dataset step shared by `run`, `datagen` and `verify`: build options from one seeded
// generator, remember what was built in loadgate_meta.dataset, and reuse an intact earlier
// build of the same key instead of regenerating it (issue 6, item 5).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "datagen/product_gen.hpp"
#include "datagen/schema.hpp"
#include "harness/core/stop.hpp"
#include "harness/db/connection.hpp"
#include "harness/option/schema_option.hpp"

namespace lg::run {

/// What loadgate_meta.dataset says was built for one option. A record exists only for a build
/// that completed: it is deleted before a rebuild starts and written after it ends.
struct BuiltDataset {
  std::int64_t products = 0;
  std::uint64_t seed = 0;
  std::string schema_key;  ///< schema_key() of the DDL that built it ("" for older records)
  std::string built_at;    ///< UTC, ISO 8601, e.g. 2026-11-22T03:00:00Z
};

/// Builds every option in `options` (drop, create, COPY, indexes, ANALYZE), printing a progress
/// line on stderr, and records (products, seed, schema_key) per option under its name. Returns
/// the phase times per option, in `options` order.
/// force_rebuild false: an option whose recorded build has the same key and passes
/// dataset_problem() is kept as is (BuildTimes::reused, a "reusing dataset" line on stderr);
/// any other recorded build is rebuilt with a one-line reason on stderr. true (the default, what
/// verify --rebuild and the embedded cluster need) always builds.
/// Throws what datagen::build_option throws, and Interrupted when `stop` is requested during a
/// load.
std::vector<datagen::BuildTimes> build_dataset(db::Connection& conn,
                                               const std::vector<option::SchemaOption>& options,
                                               const datagen::ProductGenerator& gen,
                                               bool force_rebuild = true,
                                               const StopToken& stop = {});

/// The recorded dataset of the option called `option`, or nullopt if it was never built (or a
/// build did not complete).
std::optional<BuiltDataset> built_dataset(db::Connection& conn, const std::string& option);

/// Key of an option's build: a 64-bit FNV-1a hash, in hex, of its option.toml and every DDL
/// file it lists, so an edited manifest or .sql file makes earlier builds stale. Throws
/// InputError when a file cannot be read.
std::string schema_key(const option::SchemaOption& option);

/// The option folder sql_dir/options/<name>, loaded (option::load_option): one option, for a
/// caller that needs no other (tests, datagen --emit-copy).
option::SchemaOption option_def(const std::filesystem::path& sql_dir, const std::string& name);

/// Why the option's dataset in the database is not the one `gen` would build from its folder,
/// or nullopt when it is (then it may be reused). Cheap checks, in order: the record's
/// (products, seed, schema_key); the schema's relations, index definitions and triggers
/// unchanged since the build; the write relation has exactly gen.count() rows, none written
/// after the load (every row's xmin is the load transaction's); a read relation or view other
/// than the write relation (C: the view) has gen.count() rows; and products 1, N/2 and N equal
/// the generator's (sku, slug, price) in the write relation and in those. A failing query (e.g.
/// a dropped table) is a reason, not an exception.
std::optional<std::string> dataset_problem(db::Connection& conn, const option::SchemaOption& option,
                                           const datagen::ProductGenerator& gen);

}  // namespace lg::run
