// Parameter generators and the query catalog: determinism per stream, values drawn from the
// dataset, and the repository's query files agreeing with their `-- params:` headers.

#include "harness/workload/params.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
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
    for (const auto& name : catalog.names('A')) {
      const auto& q = catalog.query('A', name);
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
    EXPECT_GE(id, 1);
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
  for (char option : {'A', 'B', 'C'}) {
    for (const auto& name : catalog.names(option)) {
      const auto& q = catalog.query(option, name);
      EXPECT_EQ(gen.next(q).size(), static_cast<std::size_t>(q.param_count)) << q.file;
      EXPECT_EQ(q.generators, catalog.query('A', name).generators) << q.file;
      for (auto at = q.sql.find("to_tsquery("); at != std::string::npos;
           at = q.sql.find("to_tsquery(", at + 1)) {
        EXPECT_TRUE(at > 0 && q.sql[at - 1] == '_') << "to_tsquery on user input: " << q.file;
      }
    }
    EXPECT_NE(catalog.write_sql(option).find("$3"), std::string::npos);
  }
  EXPECT_THROW(catalog.query('A', "no_such_query"), InputError);
}

class CatalogErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lg_catalog_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "queries" / "A");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string load_error(const std::string& text) {
    std::ofstream(dir_ / "queries" / "A" / "q.sql") << text;
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

TEST_F(CatalogErrors, PlaceholdersInStringsAndCommentsDoNotCount) {
  EXPECT_EQ(load_error("-- params: sku\n-- uses $2 in a comment\nSELECT '$3', $1 /* $4 */;\n"),
            "no error");
}

}  // namespace
}  // namespace lg::workload
