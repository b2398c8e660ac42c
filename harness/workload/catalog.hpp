#pragma once
// The query catalog (issue 2, item 6): sql/options/<option>/queries/<name>.sql, each starting
// with a `-- params: <generator> ...` header naming the parameter generators for $1..$n; and the
// write mix's statements (issue 6, item 1), sql/options/<option>/writes/<name>.sql, with the same
// header. Options are keyed by name (their folder's); an option may have queries of its own.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "harness/option/schema_option.hpp"

namespace lg::workload {

/// One named query (or write statement) of one option.
struct QuerySpec {
  std::string name;                     ///< file stem, e.g. "sku_lookup"
  std::string option;                   ///< the option's name, e.g. "A"
  std::string sql;                      ///< the whole file, header comment included
  std::vector<std::string> generators;  ///< from the `-- params:` header, in order
  std::filesystem::path file;
  int param_count = 0;  ///< sum of the generators' arities == highest $n
};

/// Every query and write statement of every option, loaded once and immutable.
class Catalog {
 public:
  /// Reads each option's queries/*.sql and writes/*.sql (the writes folder may be missing).
  /// Throws lg::InputError naming file and line for a missing `-- params:` header, an unknown
  /// generator, or a header whose values do not match the highest $n, in either folder; and
  /// when no option has a query at all.
  static Catalog load(const std::vector<option::SchemaOption>& options);
  /// Same for every folder of sql_dir/options (each folder an option of that name; no manifest
  /// needed, so a catalog of queries alone can be checked).
  static Catalog load(const std::filesystem::path& sql_dir);

  /// Throws lg::InputError (field "query") when the option has no such query.
  const QuerySpec& query(const std::string& option, const std::string& name) const;
  /// Query names every option of `options` has (the options a scenario runs).
  std::set<std::string> common_names(const std::vector<std::string>& options) const;
  /// Query names every loaded option has.
  std::set<std::string> common_names() const { return common_names(options_); }
  /// The option's query names, sorted.
  std::vector<std::string> names(const std::string& option) const;
  /// The write statement sql/options/<option>/writes/<name>.sql (on the option's write
  /// relation). Throws lg::InputError (field "writer") naming the missing file.
  const QuerySpec& write(const std::string& option, const std::string& name) const;
  /// Write statement names every option of `options` has.
  std::set<std::string> common_write_names(const std::vector<std::string>& options) const;
  /// Write statement names every loaded option has.
  std::set<std::string> common_write_names() const { return common_write_names(options_); }
  /// The option's write statement names, sorted.
  std::vector<std::string> write_names(const std::string& option) const;
  /// update_price_stock's SQL (params $1 id, $2 price, $3 stock, as ParamGenerator::next_write
  /// draws them). Throws lg::InputError (field "writer") when the file was missing or its
  /// header is not `write_id write_price write_stock`.
  std::string write_sql(const std::string& option) const;
  /// The loaded options' names, sorted.
  const std::vector<std::string>& options() const noexcept { return options_; }

 private:
  using Specs = std::map<std::pair<std::string, std::string>, QuerySpec>;
  static void load_dir(const std::filesystem::path& dir, const std::string& option, Specs& into);
  static std::set<std::string> common(const Specs& specs, const std::vector<std::string>& options);
  static std::vector<std::string> names_of(const Specs& specs, const std::string& option);
  // Reads (name, queries folder, writes folder) of each option; throws when no query was found
  // under `root` (named in the message).
  static Catalog load_folders(
      const std::vector<std::tuple<std::string, std::filesystem::path, std::filesystem::path>>&
          folders,
      const std::filesystem::path& root);

  std::vector<std::string> options_;
  Specs queries_;
  Specs writes_;
};

/// Parses one query file's text (exposed for tests). Throws lg::InputError as Catalog::load.
QuerySpec parse_query(const std::string& text, const std::filesystem::path& file,
                      const std::string& option);

}  // namespace lg::workload
