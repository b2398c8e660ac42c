#include "datagen/schema.hpp"

#include <string>

#include "harness/core/clock.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/db/guard.hpp"

namespace lg::datagen {
namespace {

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

}  // namespace

double BuildTimes::after_load_s() const {
  double s = 0;
  for (const auto& [file, seconds] : after_load) s += seconds;
  return s;
}

std::string ddl_text(const std::vector<std::filesystem::path>& files) {
  std::string text;
  for (const auto& f : files) text += read_input_file(f, "ddl") + "\n";
  return text;
}

BuildTimes build_option(db::Connection& conn, const option::SchemaOption& option,
                        const ProductGenerator& gen, const ProgressFn& progress) {
  BuildTimes times;
  Nanos mark = mono_now();
  auto lap = [&mark] {
    const Nanos now = mono_now();
    const double s = static_cast<double>(now - mark) / 1e9;
    mark = now;
    return s;
  };
  // Every file is read before anything is dropped: a missing file leaves the old build intact.
  const std::string tables_sql = ddl_text(option.tables);
  const std::string indexes_sql = ddl_text(option.indexes);
  std::vector<std::pair<std::string, std::string>> after_load;
  for (const auto& f : option.after_load) {
    after_load.emplace_back(f.stem().string(), read_input_file(f, "ddl"));
  }

  db::drop_schema(conn, option.schema);
  lap();  // dropping the previous build is not part of this one
  // Creating the table and loading it in one transaction allows COPY FREEZE.
  db::in_transaction(conn, [&] {
    conn.exec(tables_sql);
    copy_products(conn, option, gen, progress, /*freeze=*/true);
  });
  times.copy_s = lap();
  conn.exec("SET maintenance_work_mem = '256MB'");
  if (!option.indexes.empty()) conn.exec(indexes_sql);
  times.indexes_s = lap();
  // In order: option C's live table is filled from its view, so the view comes first.
  for (const auto& [stem, sql] : after_load) {
    conn.exec(sql);
    times.after_load.emplace_back(stem, lap());
  }
  conn.exec("RESET maintenance_work_mem");
  lap();
  vacuum_analyze(conn, option.schema);
  times.vacuum_s = lap();
  return times;
}

nlohmann::json relation_sizes(db::Connection& conn, const option::SchemaOption& option) {
  auto rows = conn.query(
      "SELECT c.relname, c.relkind::text, coalesce(t.relname, ''), pg_relation_size(c.oid), "
      "pg_total_relation_size(c.oid) "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'm', 'i') ORDER BY c.relname",
      {option.schema});
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
  return {{"option", option.name},
          {"schema", option.schema},
          {"total_bytes", total},
          {"relations", std::move(relations)}};
}

}  // namespace lg::datagen
