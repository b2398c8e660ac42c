#pragma once
// The query catalog (issue 2, item 6): sql/options/<A|B|C>/queries/<name>.sql, each starting with a
// `-- params: <generator> ...` header naming the parameter generators for $1..$n; and the write
// mix's statements (issue 6, item 1), sql/options/<A|B|C>/writes/<name>.sql, with the same header.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace lg::workload {

/// One named query (or write statement) of one option.
struct QuerySpec {
  std::string name;                     ///< file stem, e.g. "sku_lookup"
  char option = 'A';                    ///< 'A', 'B' or 'C'
  std::string sql;                      ///< the whole file, header comment included
  std::vector<std::string> generators;  ///< from the `-- params:` header, in order
  std::filesystem::path file;
  int param_count = 0;  ///< sum of the generators' arities == highest $n
};

/// Every query and write statement of every option, loaded once and immutable.
class Catalog {
 public:
  /// Reads sql_dir/queries/{A,B,C}/*.sql and sql_dir/writes/{A,B,C}/*.sql (the writes folder
  /// may be missing). Throws lg::InputError naming file and line for a missing `-- params:`
  /// header, an unknown generator, or a header whose values do not match the highest $n, in
  /// either folder; and when sql_dir/queries holds no query at all.
  static Catalog load(const std::filesystem::path& sql_dir);

  /// Throws lg::InputError (field "query") when the option has no such query.
  const QuerySpec& query(char option, const std::string& name) const;
  /// Names present for all of A, B and C.
  std::set<std::string> common_names() const;
  /// The option's query names, sorted.
  std::vector<std::string> names(char option) const;
  /// The write statement sql/options/<option>/writes/<name>.sql (write path: loadgate_a.products,
  /// loadgate_b/c.custom_posts). Throws lg::InputError (field "writer") naming the missing file.
  const QuerySpec& write(char option, const std::string& name) const;
  /// Write statement names present for all of A, B and C.
  std::set<std::string> common_write_names() const;
  /// The option's write statement names, sorted.
  std::vector<std::string> write_names(char option) const;
  /// update_price_stock's SQL (params $1 id, $2 price, $3 stock, as ParamGenerator::next_write
  /// draws them). Throws lg::InputError (field "writer") when the file was missing or its
  /// header is not `write_id write_price write_stock`.
  std::string write_sql(char option) const;

 private:
  using Specs = std::map<std::pair<char, std::string>, QuerySpec>;
  static void load_dir(const std::filesystem::path& dir, char option, Specs& into);
  static std::set<std::string> common(const Specs& specs);
  static std::vector<std::string> names_of(const Specs& specs, char option);

  Specs queries_;
  Specs writes_;
};

/// Parses one query file's text (exposed for tests). Throws lg::InputError as Catalog::load.
QuerySpec parse_query(const std::string& text, const std::filesystem::path& file, char option);

}  // namespace lg::workload
