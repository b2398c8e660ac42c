#include "harness/run/dataset.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "datagen/schema.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/db/guard.hpp"

namespace lg::run {
namespace {

// Where an option's rows are written, and the other relations its reads see (C: the view),
// which must hold the same products.
struct Tables {
  std::string write_table;
  std::string sku_expr;  // the product's sku in write_table, as its landing format stores it
  std::string price_expr;
  std::vector<std::string> derived;  // typed (sku, price columns), e.g. a materialized view
};

Tables tables_of(const option::SchemaOption& o) {
  Tables t;
  t.write_table = o.write_relation;
  if (o.landing == option::Landing::kTyped) {
    t.sku_expr = "sku";
    t.price_expr = "price";
  } else {
    t.sku_expr = "\"customFields\"->>'sku'";
    t.price_expr = "(\"customFields\"->>'price')::numeric";
  }
  auto add = [&t](const std::string& relation) {
    if (relation.empty() || relation == t.write_table) return;
    if (std::find(t.derived.begin(), t.derived.end(), relation) != t.derived.end()) return;
    t.derived.push_back(relation);
  };
  add(o.read_relation);
  if (o.view) add(o.view->relation);
  return t;
}

void ensure_meta_table(db::Connection& conn) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS loadgate_meta.dataset ("
      " option text PRIMARY KEY, products bigint NOT NULL, seed numeric NOT NULL,"
      " built_at timestamptz NOT NULL DEFAULT now())");
  // Columns of the reuse key and check, added in place to records of older versions.
  conn.exec(
      "ALTER TABLE loadgate_meta.dataset ADD COLUMN IF NOT EXISTS schema_key text NOT NULL "
      "DEFAULT '', ADD COLUMN IF NOT EXISTS relations text NOT NULL DEFAULT '', "
      "ADD COLUMN IF NOT EXISTS load_xmin text NOT NULL DEFAULT ''");
}

// One progress line, rewritten in place on a terminal and printed every 10% otherwise.
datagen::ProgressFn progress_line(const std::string& option, const StopToken& stop) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last_decile = std::make_shared<std::int64_t>(-1);
  return [option, tty, last_decile, stop](std::int64_t done, std::int64_t total) {
    if (stop.stop_requested()) throw Interrupted();
    const std::int64_t decile = total > 0 ? done * 10 / total : 10;
    if (tty) {
      std::fprintf(stderr, "\r  option %s: %lld / %lld rows", option.c_str(),
                   static_cast<long long>(done), static_cast<long long>(total));
      if (done == total) std::fputc('\n', stderr);
    } else if (decile != *last_decile) {
      *last_decile = decile;
      std::fprintf(stderr, "  option %s: %lld / %lld rows\n", option.c_str(),
                   static_cast<long long>(done), static_cast<long long>(total));
    }
  };
}

// Digest of the option schema's relations, index definitions and triggers (with their enabled
// state): a dropped, added or renamed index, table or view changes it.
std::string relations_digest(db::Connection& conn, const option::SchemaOption& option) {
  return std::string(
      conn.query("SELECT md5(coalesce((SELECT string_agg(c.relname || ':' || "
                 "c.relkind::text || ':' || CASE WHEN c.relkind = 'i' THEN "
                 "pg_get_indexdef(c.oid) ELSE '' END, E'\\n' ORDER BY c.relname) "
                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm', 'v', 'i')), "
                 "'') || '|' || coalesce((SELECT string_agg(c.relname || '.' || "
                 "t.tgname || ':' || t.tgenabled::text, E'\\n' ORDER BY c.relname, "
                 "t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                 "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 "
                 "AND NOT t.tgisinternal), ''))",
                 {option.schema})
          .get(0, 0));
}

std::string fnv1a_hex(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::int64_t scalar_int(db::Connection& conn, const std::string& sql) {
  return std::stoll(std::string(conn.query(sql).get(0, 0)));
}

// Products 1, N/2 and N of `table` against the generator; a reason or "".
std::string sample_problem(db::Connection& conn, const std::string& table, const std::string& sku,
                           const std::string& price, const datagen::ProductGenerator& gen) {
  const std::int64_t n = gen.count();
  for (std::int64_t id : {std::int64_t{1}, std::max<std::int64_t>(1, n / 2), n}) {
    const auto r = conn.query(
        "SELECT " + sku + ", slug, (" + price + " * 100)::bigint FROM " + table + " WHERE id = $1",
        {std::to_string(id)});
    const auto want = gen.make(id);
    if (r.rows() != 1 || std::string(r.get(0, 0)) != want.sku ||
        std::string(r.get(0, 1)) != want.slug ||
        std::string(r.get(0, 2)) != std::to_string(want.price_cents)) {
      return table + " product " + std::to_string(id) + " differs from the generator's";
    }
  }
  return "";
}

// The data checks of dataset_problem (after the key matched); a reason or "".
std::string data_problem(db::Connection& conn, const option::SchemaOption& option,
                         const datagen::ProductGenerator& gen, const std::string& load_xmin) {
  const Tables t = tables_of(option);
  const std::string n = std::to_string(gen.count());
  const auto r =
      conn.query("SELECT count(*), count(*) FILTER (WHERE xmin::text <> $1) FROM " + t.write_table,
                 {load_xmin});
  if (std::string(r.get(0, 0)) != n) {
    return t.write_table + " has " + std::string(r.get(0, 0)) + " rows, not " + n;
  }
  if (std::string(r.get(0, 1)) != "0") {
    return std::string(r.get(0, 1)) + " rows of " + t.write_table +
           " were inserted or updated after the build";
  }
  for (const auto& relation : t.derived) {
    if (scalar_int(conn, "SELECT count(*) FROM " + relation) != gen.count()) {
      return relation + " does not have " + n + " rows";
    }
  }
  std::string why = sample_problem(conn, t.write_table, t.sku_expr, t.price_expr, gen);
  for (const auto& relation : t.derived) {
    if (why.empty()) why = sample_problem(conn, relation, "sku", "price", gen);
  }
  return why;
}

void record_build(db::Connection& conn, const option::SchemaOption& option,
                  const datagen::ProductGenerator& gen, const std::string& key) {
  // Every row was loaded by one COPY transaction, so product 1's xmin is all of theirs.
  const std::string xmin(
      conn.query("SELECT xmin::text FROM " + tables_of(option).write_table + " WHERE id = 1")
          .get(0, 0));
  conn.query(
      "INSERT INTO loadgate_meta.dataset(option, products, seed, schema_key, relations, "
      "load_xmin) VALUES ($1, $2, $3, $4, $5, $6)",
      {option.name, std::to_string(gen.count()), std::to_string(gen.seed()), key,
       relations_digest(conn, option), xmin});
}

}  // namespace

std::string schema_key(const option::SchemaOption& option) {
  // The manifest says where the rows land and in what format; the files say what is built.
  std::string text = read_input_file(option.manifest, "option");
  for (const auto& f : option.ddl_files()) text += '\0' + read_input_file(f, "ddl");
  return fnv1a_hex(text);
}

option::SchemaOption option_def(const std::filesystem::path& sql_dir, const std::string& name) {
  return option::load_option(sql_dir / "options" / name);
}

std::optional<std::string> dataset_problem(db::Connection& conn, const option::SchemaOption& option,
                                           const datagen::ProductGenerator& gen) {
  const auto built = built_dataset(conn, option.name);
  if (!built) return "no completed build is recorded";
  if (built->products != gen.count() || built->seed != gen.seed()) {
    return "it has " + std::to_string(built->products) + " products, seed " +
           std::to_string(built->seed) + "; wanted " + std::to_string(gen.count()) + ", seed " +
           std::to_string(gen.seed());
  }
  if (built->schema_key != schema_key(option)) {
    return "the option's manifest or DDL files changed since it was built";
  }
  try {
    const auto rec = conn.query(
        "SELECT relations, load_xmin FROM loadgate_meta.dataset WHERE option = $1", {option.name});
    if (relations_digest(conn, option) != std::string(rec.get(0, 0))) {
      return "its tables, views, indexes or triggers changed since it was built";
    }
    const std::string why = data_problem(conn, option, gen, std::string(rec.get(0, 1)));
    if (!why.empty()) return why;
  } catch (const db::DbError& e) {
    return first_line(e.what());
  }
  return std::nullopt;
}

std::vector<datagen::BuildTimes> build_dataset(db::Connection& conn,
                                               const std::vector<option::SchemaOption>& options,
                                               const datagen::ProductGenerator& gen,
                                               bool force_rebuild, const StopToken& stop) {
  ensure_meta_table(conn);
  std::vector<datagen::BuildTimes> times;
  for (const option::SchemaOption& def : options) {
    const char* option = def.name.c_str();
    const auto built = built_dataset(conn, def.name);
    if (!force_rebuild && built) {
      const auto why = dataset_problem(conn, def, gen);
      if (!why) {
        std::fprintf(stderr, "option %s: reusing dataset (%lld products, seed %llu, built %s)\n",
                     option, static_cast<long long>(built->products),
                     static_cast<unsigned long long>(built->seed), built->built_at.c_str());
        datagen::BuildTimes kept;
        kept.reused = true;
        times.push_back(kept);
        continue;
      }
      std::fprintf(stderr, "option %s: rebuilding dataset: %s\n", option, why->c_str());
    }
    const std::string key = schema_key(def);
    std::fprintf(stderr, "building option %s: %lld products, seed %llu\n", option,
                 static_cast<long long>(gen.count()), static_cast<unsigned long long>(gen.seed()));
    // Forgotten first, recorded last: a build cut short is never taken for a complete one.
    conn.query("DELETE FROM loadgate_meta.dataset WHERE option = $1", {def.name});
    times.push_back(datagen::build_option(conn, def, gen, progress_line(def.name, stop)));
    record_build(conn, def, gen, key);
  }
  return times;
}

std::optional<BuiltDataset> built_dataset(db::Connection& conn, const std::string& option) {
  ensure_meta_table(conn);
  auto r = conn.query(
      "SELECT products, seed, schema_key, "
      "to_char(built_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM loadgate_meta.dataset WHERE option = $1",
      {option});
  if (r.rows() == 0) return std::nullopt;
  return BuiltDataset{std::stoll(std::string(r.get(0, 0))), std::stoull(std::string(r.get(0, 1))),
                      std::string(r.get(0, 2)), std::string(r.get(0, 3))};
}

}  // namespace lg::run
