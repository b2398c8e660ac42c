// The write mix on a real PostgreSQL (issue 6, item 1): the same sequence of inserts, price and
// stock updates, status changes and deletes, applied to options A, B and C, leaves the three
// answering every query alike (C once refreshed), with the row counts the writes imply.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "datagen/product_gen.hpp"
#include "datagen/schema.hpp"
#include "harness/core/rng.hpp"
#include "harness/db/guard.hpp"
#include "harness/run/dataset.hpp"
#include "harness/verify/verify.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/params.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::workload {
namespace {

constexpr std::int64_t kProducts = 2'000;
constexpr std::uint64_t kSeed = 42;
constexpr int kWrites = 200;
constexpr std::uint64_t kWriterStream = 7;
const std::filesystem::path kSqlDir = LOADGATE_SOURCE_DIR "/sql";
const std::vector<std::string> kOptions = {"A", "B", "C"};

// Weights of the mix: every kind well represented in 200 writes.
struct Kind {
  const char* name;
  double weight;
};
constexpr Kind kMix[] = {{"insert_product", 0.25},
                         {"update_price_stock", 0.35},
                         {"update_status", 0.2},
                         {"delete_product", 0.2}};

std::string pick_kind(Rng& rng) {
  double u = rng.uniform01();
  for (const auto& k : kMix) {
    if (u < k.weight) return k.name;
    u -= k.weight;
  }
  return kMix[0].name;
}

using Params = std::vector<std::optional<std::string>>;

// Rows a statement changed, from its command tag.
int affected(const db::Result& r) { return std::stoi(PQcmdTuples(r.raw())); }

// Every row of `sql`, as one text line per row.
std::vector<std::string> rows_of(db::Connection& conn, const std::string& sql,
                                 const Params& params) {
  const db::Result r = conn.query(sql, params);
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) {
    std::string line;
    for (int c = 0; c < r.cols(); ++c) {
      line += (c ? "|" : "") + (r.is_null(i, c) ? std::string("NULL") : std::string(r.get(i, c)));
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::string count_of(db::Connection& conn, const std::string& relation) {
  return conn.scalar("SELECT count(*) FROM " + relation).value_or("none");
}

class WriteMix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    conn_ = std::make_unique<db::Connection>(
        db::Connection::open(lg::test::fresh_database("write_mix")));
    db::ensure_marked(*conn_, true, "test");
    data_ = std::make_unique<datagen::ProductGenerator>(kSeed, kProducts);
    for (const auto& option : kOptions) {
      datagen::build_option(*conn_, run::option_def(kSqlDir, option), *data_, nullptr);
    }
    catalog_ = std::make_unique<Catalog>(Catalog::load(kSqlDir));
    apply_mix();
  }
  static void TearDownTestSuite() {
    catalog_.reset();
    data_.reset();
    conn_.reset();
  }

  // One transaction per write runs its A, B and C statements: now() is the transaction's
  // start, so the three options get the same created_at / updated_at, as the reads compare
  // created_at. The model (present ids) predicts each statement's row count.
  static void apply_mix() {
    ParamGenerator gen(*data_, kSeed, kWriterStream);
    gen.set_insert_lane(kProducts + 1, 3);  // writer VU 0 of 3
    Rng mix = Rng::stream(kSeed, "mix", kWriterStream);
    std::set<std::int64_t> present;
    for (std::int64_t id = 1; id <= kProducts; ++id) present.insert(id);
    for (int w = 0; w < kWrites; ++w) {
      const std::string kind = pick_kind(mix);
      const Params params = gen.next(catalog_->write("A", kind));
      const std::int64_t id = std::stoll(*params[0]);
      int expected = present.count(id) ? 1 : 0;
      if (kind == "insert_product") {
        expected = 1;
        present.insert(id);
        inserted_.push_back(id);
      } else if (kind == "delete_product") {
        deleted_ += present.erase(id);
      }
      ++kinds_[kind];
      conn_->exec("BEGIN");
      for (const auto& option : kOptions) {
        const auto& q = catalog_->write(option, kind);
        ASSERT_EQ(q.generators, catalog_->write("A", kind).generators) << q.file;
        ASSERT_EQ(affected(conn_->query(q.sql, params)), expected)
            << "write " << w << " " << kind << " id " << id << " on " << option;
      }
      conn_->exec("COMMIT");
    }
    conn_->exec("REFRESH MATERIALIZED VIEW loadgate_c.mv_product_search");
    applied_ = true;
  }

  static inline std::unique_ptr<db::Connection> conn_;
  static inline std::unique_ptr<datagen::ProductGenerator> data_;
  static inline std::unique_ptr<Catalog> catalog_;
  static inline std::map<std::string, int> kinds_;
  static inline std::vector<std::int64_t> inserted_;
  static inline std::int64_t deleted_ = 0;
  static inline bool applied_ = false;
};

TEST_F(WriteMix, EveryKindOfWriteRan) {
  ASSERT_TRUE(applied_) << "the mix stopped early";
  for (const auto& k : kMix) EXPECT_GE(kinds_[k.name], 20) << k.name;
  EXPECT_EQ(static_cast<int>(inserted_.size()), kinds_["insert_product"]);
  EXPECT_GT(deleted_, 0);
}

TEST_F(WriteMix, RowCountsFollowInsertsAndDeletes) {
  const std::string expected =
      std::to_string(kProducts + static_cast<std::int64_t>(inserted_.size()) - deleted_);
  EXPECT_EQ(count_of(*conn_, "loadgate_a.products"), expected);
  EXPECT_EQ(count_of(*conn_, "loadgate_b.custom_posts"), expected);
  EXPECT_EQ(count_of(*conn_, "loadgate_c.custom_posts"), expected);
  EXPECT_EQ(count_of(*conn_, "loadgate_c.mv_product_search"), expected);
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM loadgate_a.products WHERE id > $1",
                          {std::to_string(kProducts)}),
            std::to_string(inserted_.size()));
}

TEST_F(WriteMix, AllOptionsStillAnswerEveryQueryAlike) {
  std::vector<option::SchemaOption> options;
  for (const auto& name : kOptions) options.push_back(run::option_def(kSqlDir, name));
  const auto report = verify::verify_options(*conn_, *catalog_, *data_, options, 50, kSeed);
  EXPECT_TRUE(report.ok()) << verify::format_report(report);
  EXPECT_GE(report.queries, 8);
}

// The verifier draws existing products; the new ones are checked here, by SKU and slug, and
// by the newest-first listing of their category, where created_at = now() puts them on top.
TEST_F(WriteMix, InsertedProductsAnswerAlikeAndListFirst) {
  // The last published insert: no later insert can list above it in its category.
  datagen::Product product;
  for (auto it = inserted_.rbegin(); it != inserted_.rend() && !product.published; ++it) {
    product = data_->make(*it);
  }
  ASSERT_TRUE(product.published);
  const std::map<std::string, Params> lookups = {
      {"sku_lookup", {product.sku}},
      {"slug_lookup", {product.slug}},
      {"category_page", {std::to_string(product.category_id), std::string("0")}}};
  for (const auto& [name, params] : lookups) {
    const auto a = rows_of(*conn_, catalog_->query("A", name).sql, params);
    ASSERT_FALSE(a.empty()) << name;
    for (const std::string option : {"B", "C"}) {
      EXPECT_EQ(rows_of(*conn_, catalog_->query(option, name).sql, params), a)
          << name << " on " << option;
    }
  }
  const std::string id = std::to_string(product.id);
  const auto detail = rows_of(*conn_, catalog_->query("A", "sku_lookup").sql, {product.sku});
  EXPECT_EQ(detail[0].substr(0, detail[0].find('|')), id);
  EXPECT_NE(detail[0].find("|" + format_cents(product.price_cents) + "|"), std::string::npos)
      << detail[0];
  const auto page = rows_of(*conn_, catalog_->query("C", "category_page").sql,
                            {std::to_string(product.category_id), std::string("0")});
  EXPECT_EQ(page[0].substr(0, page[0].find('|')), id) << "newest first";
}

// Reads cast ->>'price' text, so a price stored as a JSON string would read alike: the shape
// of the document itself is compared with a loaded one.
TEST_F(WriteMix, NewDocumentsHaveTheLoadersKeysAndTypes) {
  for (const std::string schema : {"loadgate_b", "loadgate_c"}) {
    const std::string shape =
        "SELECT string_agg(k || ':' || jsonb_typeof(\"customFields\"->k), ',' ORDER BY k) FROM " +
        schema + ".custom_posts, jsonb_object_keys(\"customFields\") k WHERE id = $1";
    EXPECT_EQ(conn_->scalar(shape, {std::string("1")}),
              "brand:string,categoryId:number,description:string,price:number,sku:string,"
              "stock:number");
    for (std::int64_t id : inserted_) {
      ASSERT_EQ(conn_->scalar(shape, {std::to_string(id)}),
                conn_->scalar(shape, {std::string("1")}))
          << schema << " product " << id;
    }
  }
}

TEST_F(WriteMix, ProductOneIsNeverWritten) {
  const auto p = data_->make(1);
  for (const char* table : {"loadgate_a.products", "loadgate_c.mv_product_search"}) {
    EXPECT_EQ(conn_->scalar("SELECT price || ' ' || stock || ' ' || status || ' ' || "
                            "(updated_at = created_at) FROM " +
                            std::string(table) + " WHERE id = 1"),
              format_cents(p.price_cents) + " " + std::to_string(p.stock) + " " +
                  (p.published ? "publish" : "draft") + " true")
        << table;
  }
}

}  // namespace
}  // namespace lg::workload
