// Parameter generators and the query catalog: determinism per stream, values drawn from the
// dataset, the write mix's generators (ids, lanes, distributions), and the repository's query
// and write files agreeing with their `-- params:` headers.

#include "harness/workload/params.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "datagen/product_gen.hpp"
#include "harness/core/errors.hpp"
#include "harness/workload/catalog.hpp"

namespace lg::workload {
namespace {

const std::filesystem::path kSqlDir = LOADGATE_SOURCE_DIR "/sql";

QuerySpec spec(std::vector<std::string> generators) {
  QuerySpec q;
  q.name = "test";
  for (const auto& g : generators) q.param_count += generator_arity(g);
  q.generators = std::move(generators);
  return q;
}

class Params : public ::testing::Test {
 protected:
  datagen::ProductGenerator data_{42, 1000};
};

TEST_F(Params, SameSeedAndStreamGiveTheSameSequence) {
  const Catalog catalog = Catalog::load(kSqlDir);
  ParamGenerator a(data_, 7, 3), b(data_, 7, 3);
  for (int round = 0; round < 20; ++round) {
    for (const auto& name : catalog.names("A")) {
      const auto& q = catalog.query("A", name);
      ASSERT_EQ(a.next(q), b.next(q)) << name;
    }
    ASSERT_EQ(a.next_write(), b.next_write());
  }
}

TEST_F(Params, DifferentStreamsDiffer) {
  const QuerySpec q = spec({"sku"});
  ParamGenerator a(data_, 7, 1), b(data_, 7, 2), c(data_, 8, 1);
  int same_stream = 0, same_seed = 0;
  for (int i = 0; i < 50; ++i) {
    const auto va = a.next(q);
    same_stream += va == b.next(q) ? 1 : 0;
    same_seed += va == c.next(q) ? 1 : 0;
  }
  EXPECT_LT(same_stream, 5);
  EXPECT_LT(same_seed, 5);
}

TEST_F(Params, SkusAndSlugsExistInTheDataset) {
  std::set<std::string> skus, slugs;
  for (std::int64_t id = 1; id <= data_.count(); ++id) {
    const auto p = data_.make(id);
    skus.insert(p.sku);
    slugs.insert(p.slug);
  }
  ParamGenerator gen(data_, 42, 0);
  const QuerySpec q = spec({"sku", "slug"});
  for (int i = 0; i < 200; ++i) {
    const auto v = gen.next(q);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_TRUE(skus.count(*v[0])) << *v[0];
    EXPECT_TRUE(slugs.count(*v[1])) << *v[1];
  }
}

TEST_F(Params, PriceRangeLowIsBelowHigh) {
  ParamGenerator gen(data_, 42, 0);
  const QuerySpec q = spec({"price_range"});
  for (int i = 0; i < 2000; ++i) {
    const auto v = gen.next(q);
    ASSERT_EQ(v.size(), 2u);
    const double low = std::stod(*v[0]), high = std::stod(*v[1]);
    EXPECT_LT(low, high) << *v[0] << " " << *v[1];
    EXPECT_GE(low, 0.99);
    EXPECT_EQ(v[0]->size() - v[0]->find('.'), 3u) << "two decimals: " << *v[0];
  }
}

TEST_F(Params, ValuesStayInTheirDomains) {
  ParamGenerator gen(data_, 42, 0);
  const QuerySpec q = spec({"category", "page_offset", "stock_limit", "brand", "search_words"});
  const auto& words = data_.search_words();
  const std::set<std::string> vocabulary(words.begin(), words.end());
  const std::set<std::string> brands(data_.brands().begin(), data_.brands().end());
  std::map<int, int> categories;
  for (int i = 0; i < 5000; ++i) {
    const auto v = gen.next(q);
    const int category = std::stoi(*v[0]);
    ASSERT_GE(category, 1);
    ASSERT_LE(category, datagen::ProductGenerator::kCategories);
    ++categories[category];
    const int offset = std::stoi(*v[1]);
    EXPECT_EQ(offset % 20, 0);
    EXPECT_GE(offset, 0);
    EXPECT_LE(offset, 200);
    const int limit = std::stoi(*v[2]);
    EXPECT_GE(limit, 5);
    EXPECT_LE(limit, 20);
    EXPECT_TRUE(brands.count(*v[3])) << *v[3];
    std::istringstream in(*v[4]);
    for (std::string w; in >> w;) EXPECT_TRUE(vocabulary.count(w)) << w;
  }
  // Popular categories are queried more, as in the data (Zipf): category 1 beats category 100.
  EXPECT_GT(categories[1], 5 * categories[100]);
}

TEST_F(Params, WriterParametersAreAnIdAPriceAndAStock) {
  ParamGenerator gen(data_, 42, 9);
  for (int i = 0; i < 500; ++i) {
    const auto v = gen.next_write();
    ASSERT_EQ(v.size(), 3u);
    const auto id = std::stoll(*v[0]);
    EXPECT_GE(id, 2);
    EXPECT_LE(id, data_.count());
    EXPECT_EQ(v[1]->size() - v[1]->find('.'), 3u) << *v[1];
    EXPECT_GE(std::stoi(*v[2]), 0);
  }
}

TEST_F(Params, EveryRepositoryQueryGetsItsParameterCount) {
  const Catalog catalog = Catalog::load(kSqlDir);
  const std::set<std::string> required = {"sku_lookup",    "slug_lookup", "price_range_in_stock",
                                          "category_page", "brand_page",  "full_text_search",
                                          "listing_count", "low_stock"};
  const auto common = catalog.common_names();
  for (const auto& name : required) EXPECT_TRUE(common.count(name)) << name;
  ParamGenerator gen(data_, 42, 0);
  for (const std::string option : {"A", "B", "C"}) {
    for (const auto& name : catalog.names(option)) {
      const auto& q = catalog.query(option, name);
      EXPECT_EQ(gen.next(q).size(), static_cast<std::size_t>(q.param_count)) << q.file;
      EXPECT_EQ(q.generators, catalog.query("A", name).generators) << q.file;
      for (auto at = q.sql.find("to_tsquery("); at != std::string::npos;
           at = q.sql.find("to_tsquery(", at + 1)) {
        EXPECT_TRUE(at > 0 && q.sql[at - 1] == '_') << "to_tsquery on user input: " << q.file;
      }
    }
    EXPECT_NE(catalog.write_sql(option).find("$3"), std::string::npos);
  }
  EXPECT_THROW(catalog.query("A", "no_such_query"), InputError);
}

TEST_F(Params, EveryRepositoryWriteGetsItsParameterCount) {
  const Catalog catalog = Catalog::load(kSqlDir);
  const std::set<std::string> required = {"update_price_stock", "insert_product", "update_status",
                                          "delete_product"};
  const auto common = catalog.common_write_names();
  for (const auto& name : required) EXPECT_TRUE(common.count(name)) << name;
  ParamGenerator gen(data_, 42, 0);
  const std::map<std::string, std::string> schema = {{"A", "loadgate_a.products"},
                                                     {"B", "loadgate_b.custom_posts"},
                                                     {"C", "loadgate_c.custom_posts"}};
  for (const std::string option : {"A", "B", "C"}) {
    EXPECT_EQ(catalog.write_names(option).size(), common.size()) << option;
    for (const auto& name : catalog.write_names(option)) {
      const auto& q = catalog.write(option, name);
      EXPECT_EQ(gen.next(q).size(), static_cast<std::size_t>(q.param_count)) << q.file;
      EXPECT_EQ(q.generators, catalog.write("A", name).generators) << q.file;
      EXPECT_NE(q.sql.find(schema.at(option)), std::string::npos) << "write path: " << q.file;
    }
    EXPECT_EQ(catalog.write_sql(option), catalog.write(option, "update_price_stock").sql);
  }
  EXPECT_EQ(catalog.write("A", "insert_product").generators,
            std::vector<std::string>{"new_product"});
  try {
    catalog.write("B", "no_such_write");
    FAIL() << "a missing write statement must throw";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "writer");
    EXPECT_NE(std::string(e.what()).find("sql/options/B/writes/no_such_write.sql"),
              std::string::npos)
        << e.what();
  }
}

TEST(WriteGenerators, ArityAndNames) {
  const std::map<std::string, int> arity = {{"write_id", 1},     {"write_price", 1},
                                            {"write_stock", 1},  {"write_status", 1},
                                            {"new_product", 10}, {"product_id", 1}};
  const auto& names = generator_names();
  for (const auto& [name, n] : arity) {
    EXPECT_EQ(generator_arity(name), n) << name;
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_EQ(generator_arity("write_nothing"), 0);
}

// All five write generators in one statement: 1 + 1 + 1 + 1 + 10 values.
const QuerySpec kAllWrites =
    spec({"write_id", "write_price", "write_stock", "write_status", "new_product"});

TEST_F(Params, WriteDrawsAreDeterministicPerStream) {
  ParamGenerator a(data_, 7, 3), b(data_, 7, 3), other(data_, 7, 4);
  int same_as_other = 0;
  for (int i = 0; i < 200; ++i) {
    const auto va = a.next(kAllWrites);
    ASSERT_EQ(va.size(), 14u);
    ASSERT_EQ(va, b.next(kAllWrites)) << "draw " << i;
    const auto vo = other.next(kAllWrites);
    same_as_other += std::equal(va.begin(), va.begin() + 3, vo.begin()) ? 1 : 0;
  }
  EXPECT_LT(same_as_other, 5);
}

TEST_F(Params, WriteIdsAreExistingProductsButNeverProductOne) {
  // Product 1 carries the staleness probe's markers; with N = 3 a slip would show at once.
  const datagen::ProductGenerator tiny(42, 3);
  ParamGenerator gen(tiny, 42, 0);
  const QuerySpec q = spec({"write_id"});
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(*gen.next(q)[0]);
  EXPECT_EQ(seen, (std::set<std::string>{"2", "3"}));
  ParamGenerator wide(data_, 42, 1);
  for (int i = 0; i < 20000; ++i) {
    const auto id = std::stoll(*wide.next(q)[0]);
    ASSERT_GE(id, 2);
    ASSERT_LE(id, data_.count());
    ASSERT_NE(std::stoll(*wide.next_write()[0]), 1);
  }
  const datagen::ProductGenerator single(42, 1);
  ParamGenerator none(single, 42, 0);
  EXPECT_THROW(none.next(q), std::invalid_argument);
}

TEST_F(Params, WriteValuesFollowTheData) {
  ParamGenerator gen(data_, 42, 5);
  const QuerySpec q = spec({"write_price", "write_stock", "write_status"});
  int publish = 0, zero_stock = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const auto v = gen.next(q);
    ASSERT_EQ(v[0]->size() - v[0]->find('.'), 3u) << "two decimals: " << *v[0];
    ASSERT_GE(std::stod(*v[0]), 0.99);
    ASSERT_LE(std::stod(*v[0]), 9999.99);
    const int stock = std::stoi(*v[1]);
    ASSERT_GE(stock, 0);
    ASSERT_LE(stock, 500);
    zero_stock += stock == 0 ? 1 : 0;
    ASSERT_TRUE(*v[2] == "publish" || *v[2] == "draft") << *v[2];
    publish += *v[2] == "publish" ? 1 : 0;
  }
  // The data: 95% published, 10% out of stock (datagen/product_gen.cpp).
  EXPECT_NEAR(static_cast<double>(publish) / n, 0.95, 0.01);
  EXPECT_NEAR(static_cast<double>(zero_stock) / n, 0.10, 0.01);
}

TEST_F(Params, NewProductIsTheGeneratedProductOfTheLanesNextId) {
  ParamGenerator gen(data_, 42, 66);  // default lane: N + 1 + 66 % 64, step 64
  EXPECT_EQ(gen.next_insert_id(), data_.count() + 3);
  const QuerySpec q = spec({"new_product"});
  for (int k = 0; k < 3; ++k) {
    const auto v = gen.next(q);
    ASSERT_EQ(v.size(), 10u);
    const auto p = data_.make(data_.count() + 3 + 64 * k);
    const std::vector<std::optional<std::string>> expected = {std::to_string(p.id),
                                                              p.sku,
                                                              p.slug,
                                                              p.name,
                                                              p.description,
                                                              std::to_string(p.category_id),
                                                              p.brand,
                                                              format_cents(p.price_cents),
                                                              std::to_string(p.stock),
                                                              p.published ? "publish" : "draft"};
    EXPECT_EQ(v, expected) << "insert " << k;
  }
}

TEST_F(Params, InsertLanesGiveDisjointDeterministicIds) {
  const QuerySpec q = spec({"new_product"});
  auto ids = [&](ParamGenerator& gen) {
    std::vector<std::int64_t> out;
    for (int i = 0; i < 500; ++i) out.push_back(std::stoll(*gen.next(q)[0]));
    return out;
  };
  // Writer VU v of 2: first = N + 1 + v, step = 2.
  ParamGenerator v0(data_, 42, 0), v1(data_, 42, 1), again(data_, 42, 9);
  v0.set_insert_lane(data_.count() + 1, 2);
  v1.set_insert_lane(data_.count() + 2, 2);
  again.set_insert_lane(data_.count() + 1, 2);
  const auto a = ids(v0), b = ids(v1);
  std::set<std::int64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 1000u) << "lanes overlap";
  EXPECT_GT(*all.begin(), data_.count());
  EXPECT_EQ(ids(again), a) << "a lane's ids depend on the lane only";
  // Without a lane, streams 0 and 1 still insert disjoint ids.
  ParamGenerator d0(data_, 42, 0), d1(data_, 42, 1);
  const auto c = ids(d0), d = ids(d1);
  std::set<std::int64_t> defaults(c.begin(), c.end());
  defaults.insert(d.begin(), d.end());
  EXPECT_EQ(defaults.size(), 1000u);
  EXPECT_GT(*defaults.begin(), data_.count());
}

TEST_F(Params, InsertLaneMustStartAboveTheDataset) {
  ParamGenerator gen(data_, 42, 0);
  EXPECT_THROW(gen.set_insert_lane(data_.count(), 1), std::invalid_argument);
  EXPECT_THROW(gen.set_insert_lane(data_.count() + 1, 0), std::invalid_argument);
  gen.set_insert_lane(0xFFFFFFFF, 1);
  const QuerySpec q = spec({"new_product"});
  EXPECT_EQ(*gen.next(q)[0], "4294967295");
  EXPECT_THROW(gen.next(q), std::out_of_range) << "SKUs repeat above 2^32 - 1";
}

TEST_F(Params, NextWriteDrawsAsUpdatePriceStock) {
  const Catalog catalog = Catalog::load(kSqlDir);
  ParamGenerator a(data_, 42, 2), b(data_, 42, 2);
  const auto& q = catalog.write("C", "update_price_stock");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next_write(), b.next(q));
}

class CatalogErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lg_catalog_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "options" / "A" / "queries");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string load_error(const std::string& text, const std::string& folder = "queries") {
    std::filesystem::create_directories(dir_ / "options" / "A" / "writes");
    if (folder != "queries")
      std::ofstream(dir_ / "options" / "A" / "queries" / "ok.sql") << "-- params:\nSELECT 1;\n";
    std::ofstream(dir_ / "options" / "A" / folder / "q.sql") << text;
    try {
      Catalog::load(dir_);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  std::filesystem::path dir_;
};

TEST_F(CatalogErrors, UnknownGeneratorNamesFileAndLine) {
  const auto msg = load_error("-- a comment\n-- params: sku colour\nSELECT $1, $2;\n");
  EXPECT_NE(msg.find("q.sql:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'colour'"), std::string::npos) << msg;
}

TEST_F(CatalogErrors, ParameterCountMismatchNamesTheLine) {
  const auto more = load_error("-- params: sku\nSELECT 1\nWHERE a = $1 AND b = $2;\n");
  EXPECT_NE(more.find("q.sql:3:"), std::string::npos) << more;
  EXPECT_NE(more.find("$2"), std::string::npos) << more;
  const auto fewer = load_error("-- params: price_range\nSELECT $1;\n");
  EXPECT_NE(fewer.find("q.sql:1:"), std::string::npos) << fewer;
}

TEST_F(CatalogErrors, MissingHeaderIsAnError) {
  const auto msg = load_error("SELECT $1;\n");
  EXPECT_NE(msg.find("q.sql:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("params"), std::string::npos) << msg;
}

TEST_F(CatalogErrors, WriteStatementsAreCheckedLikeQueries) {
  const auto msg =
      load_error("-- params: write_id write_colour\nDELETE FROM t WHERE id = $1;\n", "writes");
  EXPECT_NE(msg.find("q.sql:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'write_colour'"), std::string::npos) << msg;
  const auto count =
      load_error("-- params: write_id\nUPDATE t SET a = $2 WHERE id = $1;\n", "writes");
  EXPECT_NE(count.find("q.sql:2:"), std::string::npos) << count;
}

TEST_F(CatalogErrors, WriteSqlNeedsThePriceStockHeader) {
  std::ofstream(dir_ / "options" / "A" / "queries" / "ok.sql") << "-- params:\nSELECT 1;\n";
  std::filesystem::create_directories(dir_ / "options" / "A" / "writes");
  std::ofstream(dir_ / "options" / "A" / "writes" / "update_price_stock.sql")
      << "-- params: write_id write_stock write_price\nUPDATE t SET a = $2, b = $3 WHERE id = "
         "$1;\n";
  const Catalog catalog = Catalog::load(dir_);
  EXPECT_EQ(catalog.write("A", "update_price_stock").param_count, 3);
  try {
    catalog.write_sql("A");
    FAIL() << "write_sql must refuse a header next_write does not draw";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "writer");
  }
  EXPECT_THROW(catalog.write_sql("B"), InputError);             // no file at all
  EXPECT_TRUE(catalog.common_write_names({"A", "B"}).empty());  // B has no writes
}

// Options are keyed by their folder's name, any name; a query is common when every option of
// those asked about has it, and an option may have queries of its own.
TEST_F(CatalogErrors, CommonQueriesAreThoseEverySelectedOptionHas) {
  for (const char* option : {"A", "Shop"}) {
    std::filesystem::create_directories(dir_ / "options" / option / "queries");
    std::ofstream(dir_ / "options" / option / "queries" / "shared.sql")
        << "-- params:\nSELECT 1;\n";
  }
  std::ofstream(dir_ / "options" / "Shop" / "queries" / "shop_only.sql")
      << "-- params: sku\nSELECT $1;\n";
  const Catalog catalog = Catalog::load(dir_);
  EXPECT_EQ(catalog.options(), (std::vector<std::string>{"A", "Shop"}));
  EXPECT_EQ(catalog.query("Shop", "shop_only").option, "Shop");
  EXPECT_EQ(catalog.common_names({"Shop"}), (std::set<std::string>{"shared", "shop_only"}));
  EXPECT_EQ(catalog.common_names({"A", "Shop"}), (std::set<std::string>{"shared"}));
  EXPECT_EQ(catalog.common_names(), (std::set<std::string>{"shared"}));
  EXPECT_THROW(catalog.query("A", "shop_only"), InputError);
  EXPECT_THROW(catalog.query("a", "shared"), InputError);  // names are the folders', exactly
}

TEST_F(CatalogErrors, PlaceholdersInStringsAndCommentsDoNotCount) {
  EXPECT_EQ(load_error("-- params: sku\n-- uses $2 in a comment\nSELECT '$3', $1 /* $4 */;\n"),
            "no error");
}

}  // namespace
}  // namespace lg::workload
