// A/B/C equivalence on a real PostgreSQL: the same products built into all three options answer
// every query identically, and the verifier does report an option that answers differently.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "datagen/schema.hpp"
#include "harness/core/rng.hpp"
#include "harness/db/guard.hpp"
#include "harness/run/dataset.hpp"
#include "harness/verify/verify.hpp"
#include "harness/workload/params.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::verify {
namespace {

constexpr std::int64_t kProducts = 10'000;
constexpr std::uint64_t kSeed = 42;
const std::filesystem::path kSqlDir = LOADGATE_SOURCE_DIR "/sql";

class Equivalence : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    conn_ = std::make_unique<db::Connection>(db::Connection::open(lg::test::dsn()));
    db::ensure_marked(*conn_, true, "test");
    data_ = std::make_unique<datagen::ProductGenerator>(kSeed, kProducts);
    for (const char* option : {"A", "B", "C"}) {
      datagen::build_option(*conn_, run::option_def(kSqlDir, option), *data_, nullptr);
    }
    catalog_ = std::make_unique<workload::Catalog>(workload::Catalog::load(kSqlDir));
  }
  static void TearDownTestSuite() {
    catalog_.reset();
    data_.reset();
    conn_.reset();
  }
  static inline std::unique_ptr<db::Connection> conn_;
  static inline std::unique_ptr<datagen::ProductGenerator> data_;
  static inline std::unique_ptr<workload::Catalog> catalog_;
};

// The shipped options called `names`, in that order.
std::vector<option::SchemaOption> options(std::initializer_list<const char*> names) {
  std::vector<option::SchemaOption> out;
  for (const char* name : names) out.push_back(run::option_def(kSqlDir, name));
  return out;
}

TEST_F(Equivalence, AllOptionsAnswerEveryQueryIdentically) {
  const VerifyReport report =
      verify_options(*conn_, *catalog_, *data_, options({"A", "B", "C"}), 50, kSeed);
  EXPECT_TRUE(report.mismatches.empty()) << format_report(report);
  EXPECT_GE(report.queries, 8);
  EXPECT_EQ(report.comparisons, report.queries * 50 * 2);
  for (const auto& name : catalog_->common_names()) {
    EXPECT_GT(report.sets_with_rows.at(name), 0) << name << " never returned a row";
  }
  EXPECT_TRUE(report.ok()) << format_report(report);
}

TEST_F(Equivalence, EveryOptionHoldsTheSameProducts) {
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM loadgate_a.products"), "10000");
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM loadgate_b.custom_posts"), "10000");
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM loadgate_c.mv_product_search"), "10000");
  const auto p = data_->make(4242);
  EXPECT_EQ(conn_->scalar("SELECT sku || ' ' || price FROM loadgate_a.products WHERE id = 4242"),
            p.sku + " " + workload::format_cents(p.price_cents));
  EXPECT_EQ(conn_->scalar("SELECT \"customFields\"->>'brand' FROM loadgate_b.custom_posts "
                          "WHERE id = 4242"),
            p.brand);
}

// The verifier must be able to fail: change one product's price on B only, for a product the
// price query returns, and expect that query reported for option B.
TEST_F(Equivalence, ABrokenOptionIsReportedAsAMismatch) {
  const std::string name = "price_range_in_stock";
  const auto& spec = catalog_->query("A", name);
  workload::ParamGenerator params(*data_, kSeed, hash_name(name));  // verify's first set
  std::string id;
  for (int k = 0; k < 50 && id.empty(); ++k) {
    auto rows = conn_->query(spec.sql, params.next(spec));
    if (rows.rows() > 0) id = std::string(rows.get(0, 0));
  }
  ASSERT_FALSE(id.empty());
  const auto original = conn_->scalar(
      "SELECT \"customFields\"->>'price' FROM loadgate_b.custom_posts WHERE id = $1", {id});
  const std::string set_price =
      "UPDATE loadgate_b.custom_posts SET \"customFields\" = jsonb_set(\"customFields\", "
      "'{price}', to_jsonb($2::numeric)) WHERE id = $1";
  conn_->query(set_price, {id, std::string("0.01")});

  const VerifyReport report =
      verify_options(*conn_, *catalog_, *data_, options({"A", "B"}), 50, kSeed);
  conn_->query(set_price, {id, original});  // restore before asserting

  EXPECT_FALSE(report.ok());
  const auto hit = std::find_if(report.mismatches.begin(), report.mismatches.end(),
                                [&](const Mismatch& m) { return m.query == name; });
  ASSERT_NE(hit, report.mismatches.end()) << format_report(report);
  EXPECT_EQ(hit->option, "B");
  EXPECT_EQ(hit->params.size(), 2u);
  EXPECT_NE(hit->detail.find(id), std::string::npos) << hit->detail;
  EXPECT_NE(format_report(report).find("MISMATCH " + name), std::string::npos);
}

TEST_F(Equivalence, RelationSizesListTablesViewAndIndexes) {
  const auto a = datagen::relation_sizes(*conn_, run::option_def(kSqlDir, "A"));
  const auto b = datagen::relation_sizes(*conn_, run::option_def(kSqlDir, "B"));
  const auto c = datagen::relation_sizes(*conn_, run::option_def(kSqlDir, "C"));
  auto count_kind = [](const nlohmann::json& sizes, const std::string& kind) {
    return std::count_if(sizes["relations"].begin(), sizes["relations"].end(),
                         [&](const nlohmann::json& r) { return r["kind"] == kind; });
  };
  EXPECT_EQ(a["schema"], "loadgate_a");
  EXPECT_GE(count_kind(a, "index"), 8);   // pkey + 7 read indexes
  EXPECT_GE(count_kind(b, "index"), 17);  // pkeys + ~16 expression/GIN indexes
  EXPECT_EQ(count_kind(c, "view"), 1);
  for (const auto& r : c["relations"]) {
    if (r["name"] == "mv_product_search") {
      EXPECT_GT(r["bytes"].get<std::int64_t>(), 0);
    }
  }
  EXPECT_GT(a["total_bytes"].get<std::int64_t>(), 0);
}

TEST_F(Equivalence, RefreshFunctionLogsItsDuration) {
  const auto ms = conn_->scalar("SELECT loadgate_c.refresh_product_search_with_logging()");
  ASSERT_TRUE(ms.has_value());
  EXPECT_GT(std::stod(*ms), 0.0);
  EXPECT_EQ(conn_->scalar("SELECT status FROM loadgate_c.mv_refresh_log ORDER BY id DESC LIMIT 1"),
            "success");
}

}  // namespace
}  // namespace lg::verify
