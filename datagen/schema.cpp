#include "datagen/schema.hpp"

#include <string>

#include "harness/core/clock.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/db/guard.hpp"

namespace lg::datagen {
namespace {

std::string lower_letter(char option) {
  return std::string(1, static_cast<char>(db::option_schema(option).back()));
}

// VACUUM marks the view's pages all-visible (the tables were loaded frozen, so their pass is
// cheap) and ANALYZE gives the planner the statistics it needs for expression indexes.
void vacuum_analyze(db::Connection& conn, const std::string& schema) {
  auto rels = conn.query(
      "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'm') ORDER BY c.relname",
      {schema});
  for (int i = 0; i < rels.rows(); ++i) {
    conn.exec("VACUUM (ANALYZE) " + db::quote_ident(schema) + "." +
              db::quote_ident(std::string(rels.get(i, 0))));
  }
}

// Option C's write side is option B's tables and indexes, moved to loadgate_c: one definition,
// so the writer pays the same cost on B and C.
std::string retarget(std::string sql, char option) {
  if (option != 'C') return sql;
  static const std::string kFrom = "loadgate_b", kTo = "loadgate_c";
  for (auto pos = sql.find(kFrom); pos != std::string::npos; pos = sql.find(kFrom, pos)) {
    sql.replace(pos, kFrom.size(), kTo);
  }
  return sql;
}

}  // namespace

std::string schema_sql(const std::filesystem::path& dir, char option) {
  if (option != 'C') return read_input_file(dir / (lower_letter(option) + ".sql"), "sql");
  return retarget(read_input_file(dir / "b.sql", "sql"), 'C') + "\n" +
         read_input_file(dir / "c.sql", "sql");
}

std::string indexes_sql_of(const std::filesystem::path& dir, char option) {
  const char source = option == 'C' ? 'B' : option;
  return retarget(read_input_file(dir / (lower_letter(source) + "_indexes.sql"), "sql"), option);
}

BuildTimes build_option(db::Connection& conn, char option, const ProductGenerator& gen,
                        const std::filesystem::path& sql_dir, const ProgressFn& progress) {
  BuildTimes times;
  Nanos mark = mono_now();
  auto lap = [&mark] {
    const Nanos now = mono_now();
    const double s = static_cast<double>(now - mark) / 1e9;
    mark = now;
    return s;
  };
  const std::string schema = db::option_schema(option);
  const std::string x = lower_letter(option);
  const auto dir = sql_dir / "schema";
  const std::string tables_sql = schema_sql(dir, option);
  const std::string indexes_sql = indexes_sql_of(dir, option);
  const std::string view_sql =
      x == "c" ? read_input_file(dir / "c_view.sql", "sql") : std::string();
  const std::string live_sql =
      x == "c" ? read_input_file(dir / "c_live.sql", "sql") : std::string();

  db::drop_option_schema(conn, option);
  lap();  // dropping the previous build is not part of this one
  // Creating the table and loading it in one transaction allows COPY FREEZE.
  db::in_transaction(conn, [&] {
    conn.exec(tables_sql);
    copy_products(conn, option, gen, progress, /*freeze=*/true);
  });
  times.copy_s = lap();
  conn.exec("SET maintenance_work_mem = '256MB'");
  conn.exec(indexes_sql);
  times.indexes_s = lap();
  if (!view_sql.empty()) conn.exec(view_sql);
  times.view_s = lap();
  // After the view: the live table is filled from it and its source is the view's SELECT.
  if (!live_sql.empty()) conn.exec(live_sql);
  conn.exec("RESET maintenance_work_mem");
  times.live_s = lap();
  vacuum_analyze(conn, schema);
  times.vacuum_s = lap();
  return times;
}

nlohmann::json relation_sizes(db::Connection& conn, char option) {
  const std::string schema = db::option_schema(option);
  auto rows = conn.query(
      "SELECT c.relname, c.relkind::text, coalesce(t.relname, ''), pg_relation_size(c.oid), "
      "pg_total_relation_size(c.oid) "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'm', 'i') ORDER BY c.relname",
      {schema});
  nlohmann::json relations = nlohmann::json::array();
  std::int64_t total = 0;
  for (int r = 0; r < rows.rows(); ++r) {
    const std::string kind(rows.get(r, 1));
    nlohmann::json rel = {{"name", std::string(rows.get(r, 0))},
                          {"kind", kind == "r"   ? "table"
                                   : kind == "m" ? "view"
                                                 : "index"},
                          {"bytes", std::stoll(std::string(rows.get(r, 3)))},
                          {"total_bytes", std::stoll(std::string(rows.get(r, 4)))}};
    if (kind == "i") rel["table"] = std::string(rows.get(r, 2));
    // A table's or view's total already includes its indexes and TOAST.
    if (kind != "i") total += rel["total_bytes"].get<std::int64_t>();
    relations.push_back(std::move(rel));
  }
  return {{"option", std::string(1, static_cast<char>(schema.back() - 'a' + 'A'))},
          {"schema", schema},
          {"total_bytes", total},
          {"relations", std::move(relations)}};
}

}  // namespace lg::datagen
