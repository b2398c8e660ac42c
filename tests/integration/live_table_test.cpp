// Option C's `trigger` strategy on a real PostgreSQL (issue 6, item 3): the live table
// product_search_live equals mv_product_search after a build, follows every kind of write in
// the writing transaction once its trigger is enabled, ignores writes while it is disabled,
// and is resynced when enabled out of step.

#include "harness/db/live_table.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "datagen/schema.hpp"
#include "harness/db/guard.hpp"
#include "harness/run/dataset.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::db {
namespace {

constexpr std::int64_t kProducts = 2000;
constexpr std::uint64_t kSeed = 7;
const std::filesystem::path kSqlDir = LOADGATE_SOURCE_DIR "/sql";

std::string price_text(std::int64_t cents) {
  const std::string c = std::to_string(cents % 100);
  return std::to_string(cents / 100) + "." + (c.size() == 1 ? "0" + c : c);
}

// Option C's trigger strategy objects, from its manifest's roles.
LiveSync c_live() {
  const auto c = run::option_def(kSqlDir, "C");
  return {c.write_relation, c.live->table, c.live->source, c.live->sync_trigger};
}

class LiveTable : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dsn_ = test::fresh_database("live_table");
    gen_ = std::make_unique<datagen::ProductGenerator>(kSeed, kProducts);
  }
  static void TearDownTestSuite() { gen_.reset(); }

  // Every test starts from a fresh build: tests write.
  void SetUp() override {
    conn_ = std::make_unique<Connection>(Connection::open(dsn_));
    ensure_marked(*conn_, true, "test");
    datagen::build_option(*conn_, run::option_def(kSqlDir, "C"), *gen_, nullptr);
  }
  void TearDown() override { conn_.reset(); }

  std::string one(const std::string& sql) { return conn_->scalar(sql).value_or("<null>"); }

  // Rows in the live table and not in the view, plus the reverse.
  std::int64_t differences() {
    return std::stoll(one(
        "SELECT (SELECT count(*) FROM (SELECT * FROM loadgate_c.product_search_live EXCEPT "
        "SELECT * FROM loadgate_c.mv_product_search) d) + (SELECT count(*) FROM (SELECT * FROM "
        "loadgate_c.mv_product_search EXCEPT SELECT * FROM loadgate_c.product_search_live) d)"));
  }

  // Refreshes the view (inside the caller's transaction if any) and compares.
  std::int64_t differences_after_refresh() {
    conn_->exec("REFRESH MATERIALIZED VIEW loadgate_c.mv_product_search");
    return differences();
  }

  std::string trigger_state() {
    return one(
        "SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'product_search_live_sync' "
        "AND tgrelid = 'loadgate_c.custom_posts'::regclass");
  }

  std::string live_filenode() {
    return one("SELECT pg_relation_filenode('loadgate_c.product_search_live')::text");
  }

  // Inserts product `id` (made by the generator) as copy_loader would have loaded it.
  void insert_product(std::int64_t id) {
    const auto p = gen_->make(id);
    conn_->query(
        "INSERT INTO loadgate_c.custom_posts (id, post_type_id, slug, title, status, created_at, "
        "updated_at, \"customFields\") VALUES ($1, 1, $2, $3, 'publish', clock_timestamp(), "
        "clock_timestamp(), jsonb_build_object('sku', $4::text, 'description', $5::text, "
        "'categoryId', $6::int, 'brand', $7::text, 'price', $8::numeric, 'stock', $9::int))",
        {std::to_string(id), p.slug, p.name, p.sku, p.description, std::to_string(p.category_id),
         p.brand, price_text(p.price_cents), std::to_string(p.stock)});
  }

  static inline std::string dsn_;
  static inline std::unique_ptr<datagen::ProductGenerator> gen_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(LiveTable, BuildFillsItLikeTheViewWithTheTriggerDisabled) {
  // Same column names, order and types, so reads written for the view run on it unchanged.
  const std::string columns =
      "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY "
      "attnum) FROM pg_attribute WHERE attrelid = '%'::regclass AND attnum > 0";
  auto columns_of = [&](const std::string& rel) {
    std::string sql = columns;
    return one(sql.replace(sql.find('%'), 1, rel));
  };
  EXPECT_EQ(columns_of("loadgate_c.product_search_live"),
            columns_of("loadgate_c.mv_product_search"));
  EXPECT_EQ(one("SELECT count(*) FROM loadgate_c.product_search_live"), std::to_string(kProducts));
  EXPECT_EQ(differences(), 0);
  EXPECT_EQ(one("SELECT count(*) FROM pg_indexes WHERE schemaname = 'loadgate_c' AND "
                "tablename = 'product_search_live'"),
            "8");
  EXPECT_EQ(trigger_state(), "D");
  EXPECT_TRUE(live_in_step(*conn_, c_live()));
}

TEST_F(LiveTable, DisabledTriggerLeavesItUnchanged) {
  conn_->exec(
      "UPDATE loadgate_c.custom_posts SET \"customFields\" = \"customFields\" || "
      "'{\"price\": 1.23}', updated_at = clock_timestamp() WHERE id = 5");
  EXPECT_NE(one("SELECT price::text FROM loadgate_c.product_search_live WHERE id = 5"), "1.23");
  EXPECT_EQ(differences(), 0);  // the view, not refreshed, agrees with it
  EXPECT_FALSE(live_in_step(*conn_, c_live()));
}

TEST_F(LiveTable, EnabledTriggerAppliesEachWriteInTheWritingTransaction) {
  const std::string filenode = live_filenode();
  enable_live_sync(*conn_, c_live());
  EXPECT_EQ(trigger_state(), "O");
  EXPECT_EQ(live_filenode(), filenode) << "an in-step table must not be rewritten";
  const std::string new_id = std::to_string(kProducts + 1);
  const auto product = gen_->make(kProducts + 1);

  conn_->exec("BEGIN");
  insert_product(kProducts + 1);
  EXPECT_EQ(
      one("SELECT sku || ' ' || price FROM loadgate_c.product_search_live WHERE id = " + new_id),
      product.sku + " " + price_text(product.price_cents));
  EXPECT_EQ(differences_after_refresh(), 0);
  conn_->exec("COMMIT");

  conn_->exec("BEGIN");
  conn_->exec(
      "UPDATE loadgate_c.custom_posts SET \"customFields\" = \"customFields\" || "
      "'{\"price\": 19.90, \"stock\": 0}', updated_at = clock_timestamp() WHERE id = 7");
  EXPECT_EQ(one("SELECT price || ' ' || stock FROM loadgate_c.product_search_live WHERE id = 7"),
            "19.90 0");
  EXPECT_EQ(differences_after_refresh(), 0);
  conn_->exec("COMMIT");

  conn_->exec("BEGIN");
  conn_->exec(
      "UPDATE loadgate_c.custom_posts SET status = CASE status WHEN 'publish' THEN 'draft' "
      "ELSE 'publish' END, updated_at = clock_timestamp() WHERE id = 8");
  EXPECT_EQ(one("SELECT status FROM loadgate_c.product_search_live WHERE id = 8"),
            one("SELECT status FROM loadgate_c.custom_posts WHERE id = 8"));
  EXPECT_EQ(differences_after_refresh(), 0);
  conn_->exec("COMMIT");

  conn_->exec("BEGIN");
  conn_->exec("DELETE FROM loadgate_c.custom_posts WHERE id = 9");
  EXPECT_EQ(one("SELECT count(*) FROM loadgate_c.product_search_live WHERE id = 9"), "0");
  EXPECT_EQ(differences_after_refresh(), 0);
  conn_->exec("COMMIT");

  EXPECT_EQ(one("SELECT count(*) FROM loadgate_c.product_search_live"),
            std::to_string(kProducts));  // one inserted, one deleted
  EXPECT_TRUE(live_in_step(*conn_, c_live()));
}

TEST_F(LiveTable, PostsThatAreNotProductsStayOut) {
  enable_live_sync(*conn_, c_live());
  conn_->exec(
      "INSERT INTO loadgate_c.custom_post_types (id, slug, name) VALUES (2, 'page', 'Page');"
      "UPDATE loadgate_c.custom_posts SET post_type_id = 2 WHERE id = 12");
  EXPECT_EQ(one("SELECT count(*) FROM loadgate_c.product_search_live WHERE id = 12"), "0");
  conn_->exec("UPDATE loadgate_c.custom_posts SET post_type_id = 1 WHERE id = 12");
  EXPECT_EQ(one("SELECT count(*) FROM loadgate_c.product_search_live WHERE id = 12"), "1");
  EXPECT_EQ(differences_after_refresh(), 0);
}

TEST_F(LiveTable, EnablingOutOfStepResyncsItAndDisablingStopsIt) {
  insert_product(kProducts + 1);
  conn_->exec(
      "UPDATE loadgate_c.custom_posts SET \"customFields\" = \"customFields\" || "
      "'{\"stock\": 3}', updated_at = clock_timestamp() WHERE id BETWEEN 20 AND 29;"
      "DELETE FROM loadgate_c.custom_posts WHERE id = 30");
  ASSERT_FALSE(live_in_step(*conn_, c_live()));
  enable_live_sync(*conn_, c_live());
  EXPECT_TRUE(live_in_step(*conn_, c_live()));
  EXPECT_EQ(trigger_state(), "O");
  EXPECT_EQ(differences_after_refresh(), 0);

  disable_live_sync(*conn_, c_live());
  EXPECT_EQ(trigger_state(), "D");
  conn_->exec("DELETE FROM loadgate_c.custom_posts WHERE id = 31");
  EXPECT_FALSE(live_in_step(*conn_, c_live()));
}

}  // namespace
}  // namespace lg::db
