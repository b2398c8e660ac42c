#pragma once
// A schema option as data (issue 15): a folder holding option.toml (the manifest), its DDL files,
// queries/<name>.sql and writes/<name>.sql. The manifest names the option's schema and the
// *roles* of its relations (what writes go to, what reads read, the materialized view and its
// refresh function, the objects each refresh strategy needs), so that the harness asks an
// option for a role and never tests its name.
//
// option.toml, every key but `schema` and `[ddl] tables` optional:
//
//   name = "C"                       # the folder's name when absent; must equal it
//   description = "JSONB documents plus a materialized view refreshed concurrently"
//   schema = "loadgate_c"            # loadgate_<lowercase>, never loadgate_meta
//   [ddl]                            # files of this folder, run in this order
//   tables = ["tables.sql"]          # with the load, in one transaction (COPY FREEZE)
//   indexes = ["indexes.sql"]        # after the load
//   after_load = ["view.sql"]        # after the indexes: views, functions, triggers
//   [dataset]
//   format = "documents"             # "typed" (one column per field) | "documents" (JSONB)
//   relation = "custom_posts"        # the table the products are copied into
//   bytes_per_product = 2800         # on-disk estimate, for the preflight's disk check
//   [roles]
//   write = "custom_posts"           # the write path (the write mix, markers, catalog-api)
//   read = "mv_product_search"       # what the queries read (default: write)
//   [view]                           # a materialized view refreshed by the harness
//   relation = "mv_product_search"
//   refresh_function = "refresh_product_search_with_logging"  # returns its duration in ms
//   refresh_log = "mv_refresh_log"   # started_at, finished_at, duration_ms, status, error
//   [strategies.debounced]           # refresh strategies beyond interval and continuous
//   queue = "mv_refresh_queue"
//   enqueue_trigger = "mv_refresh_enqueue"
//   [strategies.trigger]
//   live_table = "product_search_live"
//   live_source = "product_search_live_source"
//   sync_trigger = "product_search_live_sync"
//
// Relation, function and trigger names are unqualified identifiers inside `schema`.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lg::option {

/// How the generated products land in an option ([dataset] format).
enum class Landing {
  kTyped,      ///< one column per field (id, sku, slug, name, description, category_id, ...)
  kDocuments,  ///< a custom_posts-shaped row: slug, title, status, dates, "customFields" JSONB
};

/// The refreshable materialized view of an option ([view]); names schema-qualified.
struct ViewRole {
  std::string relation;          ///< e.g. loadgate_c.mv_product_search
  std::string refresh_function;  ///< e.g. loadgate_c.refresh_product_search_with_logging
  std::string refresh_log;       ///< e.g. loadgate_c.mv_refresh_log
};

/// What the `debounced` refresh strategy needs ([strategies.debounced]); schema-qualified
/// except the trigger, which is named on the write relation.
struct DebouncedRole {
  std::string queue;            ///< e.g. loadgate_c.mv_refresh_queue
  std::string enqueue_trigger;  ///< e.g. mv_refresh_enqueue (a trigger on the write relation)
};

/// What the `trigger` refresh strategy needs ([strategies.trigger]).
struct LiveRole {
  std::string table;         ///< e.g. loadgate_c.product_search_live (reads go here)
  std::string source;        ///< e.g. loadgate_c.product_search_live_source (the view's query)
  std::string sync_trigger;  ///< e.g. product_search_live_sync (a trigger on the write relation)
};

/// One loaded option: its identity, files and roles. Immutable once loaded.
struct SchemaOption {
  std::string name;         ///< e.g. "A": the folder's name
  std::string description;  ///< one line, for listings; may be empty
  std::filesystem::path dir;
  std::filesystem::path manifest;                                  ///< dir/option.toml
  std::string schema;                                              ///< e.g. loadgate_a
  std::vector<std::filesystem::path> tables, indexes, after_load;  ///< DDL files, in order
  Landing landing = Landing::kTyped;
  std::string load_relation;           ///< schema-qualified: where the products are copied
  std::int64_t bytes_per_product = 0;  ///< 0: unknown (the preflight assumes the largest)
  std::string write_relation;          ///< schema-qualified
  std::string read_relation;           ///< schema-qualified
  std::optional<ViewRole> view;
  std::optional<DebouncedRole> debounced;
  std::optional<LiveRole> live;

  /// dir/queries: the option's read queries, <name>.sql each.
  std::filesystem::path queries_dir() const { return dir / "queries"; }
  /// dir/writes: the write mix's statements (may be absent).
  std::filesystem::path writes_dir() const { return dir / "writes"; }
  /// Every DDL file in build order (tables, indexes, after_load): what a build runs and what
  /// the reuse key hashes.
  std::vector<std::filesystem::path> ddl_files() const;
};

/// Reads `dir`/option.toml and checks it against the folder: files named exist inside `dir`,
/// names are identifiers, the schema is a loadgate_ one other than loadgate_meta, the
/// strategies that need a view have one. Throws lg::InputError naming option.toml, the line and
/// the key (exit 2) for anything wrong, or the folder when it has no option.toml.
SchemaOption load_option(const std::filesystem::path& dir);

/// Every option under `roots` (a root holding an option.toml is one option; otherwise each of
/// its sub-folders holding one is), sorted by name.
/// Throws lg::InputError when a root is missing, when two folders give one name or one schema,
/// and as load_option for a bad manifest.
std::vector<SchemaOption> discover(const std::vector<std::filesystem::path>& roots);

/// The option called `name` in `options`, or nullptr.
const SchemaOption* find(const std::vector<SchemaOption>& options, const std::string& name);

/// "A, B, C": the names of `options` in their order, for messages that list what exists.
std::string list_names(const std::vector<SchemaOption>& options);

/// The options called `names`, in that order. Throws lg::InputError (field `field`) naming
/// the first name that is not in `options` and listing those that are.
std::vector<SchemaOption> select(const std::vector<SchemaOption>& options,
                                 const std::vector<std::string>& names, const std::string& field);

}  // namespace lg::option
