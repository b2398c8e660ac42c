#pragma once
// The query catalog (issue 2, item 6): sql/queries/<A|B|C>/<name>.sql, each starting with a
// `-- params: <generator> ...` header naming the parameter generators for $1..$n.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lg::workload {

/// One named query of one option.
struct QuerySpec {
  std::string name;                     ///< file stem, e.g. "sku_lookup"
  char option = 'A';                    ///< 'A', 'B' or 'C'
  std::string sql;                      ///< the whole file, header comment included
  std::vector<std::string> generators;  ///< from the `-- params:` header, in order
  std::filesystem::path file;
  int param_count = 0;  ///< sum of the generators' arities == highest $n
};

/// Every query of every option, loaded once and immutable.
class Catalog {
 public:
  /// Reads sql_dir/queries/{A,B,C}/*.sql and sql_dir/writes/{A,B,C}/update_price_stock.sql.
  /// Throws lg::InputError naming file and line for a missing `-- params:` header, an unknown
  /// generator, or a header whose values do not match the highest $n; and when
  /// sql_dir/queries holds no query at all.
  static Catalog load(const std::filesystem::path& sql_dir);

  /// Throws lg::InputError (field "query") when the option has no such query.
  const QuerySpec& query(char option, const std::string& name) const;
  /// Names present for all of A, B and C.
  std::set<std::string> common_names() const;
  /// The option's query names, sorted.
  std::vector<std::string> names(char option) const;
  /// The writer's statement (params $1 id, $2 price, $3 stock). Throws lg::InputError when
  /// sql/writes/<x>/update_price_stock.sql was missing.
  std::string write_sql(char option) const;

 private:
  std::map<std::pair<char, std::string>, QuerySpec> queries_;
  std::map<char, std::string> writes_;
};

/// Parses one query file's text (exposed for tests). Throws lg::InputError as Catalog::load.
QuerySpec parse_query(const std::string& text, const std::filesystem::path& file, char option);

}  // namespace lg::workload
