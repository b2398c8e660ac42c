// datagen: determinism (same seed -> same products and COPY bytes), order independence, the
// shapes the issue asks for, and COPY/JSON escaping that survives a round trip.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "datagen/copy_loader.hpp"
#include "datagen/product_gen.hpp"

namespace lg::datagen {
namespace {

bool same(const Product& a, const Product& b) {
  return a.id == b.id && a.sku == b.sku && a.slug == b.slug && a.name == b.name &&
         a.description == b.description && a.brand == b.brand && a.category_id == b.category_id &&
         a.price_cents == b.price_cents && a.stock == b.stock && a.published == b.published &&
         a.created_at == b.created_at;
}

std::string copy_bytes(option::Landing landing, const ProductGenerator& gen) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&data, &size);
  write_copy_rows(landing, gen, f);
  std::fclose(f);
  std::string out(data, size);
  std::free(data);
  return out;
}

// Decodes one COPY text-format field (the escapes PostgreSQL's COPY FROM accepts).
std::string copy_unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    const char c = field[++i];
    if (c == 't')
      out += '\t';
    else if (c == 'n')
      out += '\n';
    else if (c == 'r')
      out += '\r';
    else if (c >= '0' && c <= '7') {
      out += static_cast<char>((c - '0') * 64 + (field[i + 1] - '0') * 8 + (field[i + 2] - '0'));
      i += 2;
    } else
      out += c;
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& row) {
  std::vector<std::string> fields(1);
  for (char c : row) {
    if (c == '\t')
      fields.emplace_back();
    else if (c != '\n')
      fields.back() += c;
  }
  return fields;
}

TEST(ProductGenerator, SameSeedGivesIdenticalProducts) {
  ProductGenerator a(42, 2000), b(42, 2000);
  for (std::int64_t id = 1; id <= 2000; ++id) ASSERT_TRUE(same(a.make(id), b.make(id))) << id;
  EXPECT_EQ(a.brands(), b.brands());
}

TEST(ProductGenerator, SameSeedGivesIdenticalCopyBytes) {
  ProductGenerator a(7, 3000), b(7, 3000);
  for (const auto landing : {option::Landing::kTyped, option::Landing::kDocuments}) {
    const std::string bytes = copy_bytes(landing, a);
    EXPECT_EQ(bytes, copy_bytes(landing, b));
    EXPECT_EQ(std::count(bytes.begin(), bytes.end(), '\n'), 3000);
  }
}

TEST(ProductGenerator, DifferentSeedGivesDifferentProducts) {
  ProductGenerator a(42, 1000), b(43, 1000);
  int differing = 0;
  for (std::int64_t id = 1; id <= 1000; ++id) differing += same(a.make(id), b.make(id)) ? 0 : 1;
  EXPECT_EQ(differing, 1000);
  EXPECT_NE(copy_bytes(option::Landing::kTyped, a), copy_bytes(option::Landing::kTyped, b));
  EXPECT_NE(a.brands(), b.brands());
}

TEST(ProductGenerator, MakeIsIndependentOfGenerationOrder) {
  ProductGenerator gen(42, 5000);
  std::vector<Product> forward;
  for (std::int64_t id = 1; id <= 5000; ++id) forward.push_back(gen.make(id));
  // Reverse order into one reused buffer, as the loader and parameter generators do.
  Product reused;
  for (std::int64_t id = 5000; id >= 1; --id) {
    gen.make_into(id, reused);
    ASSERT_TRUE(same(reused, forward[static_cast<std::size_t>(id - 1)])) << id;
  }
  // A generator of a different size yields the same product for the same id.
  EXPECT_TRUE(same(ProductGenerator(42, 100).make(77), forward[76]));
}

TEST(ProductGenerator, CopyRowsCanBeSliced) {
  ProductGenerator gen(42, 1000);
  const std::string all = copy_bytes(option::Landing::kDocuments, gen);
  std::string parts;
  for (auto [first, last] : {std::pair{1, 400}, std::pair{401, 1000}}) {
    char* data = nullptr;
    std::size_t size = 0;
    std::FILE* f = open_memstream(&data, &size);
    write_copy_rows(option::Landing::kDocuments, gen, f, first, last);
    std::fclose(f);
    parts.append(data, size);
    std::free(data);
  }
  EXPECT_EQ(all, parts);
}

class Distribution : public ::testing::Test {
 protected:
  static constexpr std::int64_t kN = 100'000;
  static void SetUpTestSuite() {
    gen_ = new ProductGenerator(42, kN);
    products_ = new std::vector<Product>();
    for (std::int64_t id = 1; id <= kN; ++id) products_->push_back(gen_->make(id));
  }
  static void TearDownTestSuite() {
    delete products_;
    delete gen_;
  }
  template <class F>
  static double share(F&& pred) {
    return static_cast<double>(std::count_if(products_->begin(), products_->end(), pred)) / kN;
  }
  static inline ProductGenerator* gen_ = nullptr;
  static inline std::vector<Product>* products_ = nullptr;
};

TEST_F(Distribution, AboutTenPercentOutOfStock) {
  EXPECT_NEAR(share([](const Product& p) { return p.stock == 0; }), 0.10, 0.015);
  // Low stock exists, so low_stock finds rows; stock stays within 0..500.
  EXPECT_GT(share([](const Product& p) { return p.stock >= 1 && p.stock <= 5; }), 0.03);
  EXPECT_TRUE(std::all_of(products_->begin(), products_->end(),
                          [](const Product& p) { return p.stock >= 0 && p.stock <= 500; }));
}

TEST_F(Distribution, AboutNinetyFivePercentPublished) {
  EXPECT_NEAR(share([](const Product& p) { return p.published; }), 0.95, 0.015);
}

TEST_F(Distribution, CategoriesAreZipfSkewed) {
  std::map<int, int> sizes;
  for (const auto& p : *products_) {
    ASSERT_GE(p.category_id, 1);
    ASSERT_LE(p.category_id, ProductGenerator::kCategories);
    ++sizes[p.category_id];
  }
  std::vector<int> counts;
  for (auto [id, n] : sizes) counts.push_back(n);
  std::sort(counts.begin(), counts.end());
  EXPECT_GT(sizes.size(), 190u);
  const int median = counts[counts.size() / 2];
  EXPECT_GT(counts.back(), 10 * median) << "top " << counts.back() << " median " << median;
}

TEST_F(Distribution, BrandsAreZipfSkewedOverFiveHundred) {
  EXPECT_EQ(std::set<std::string>(gen_->brands().begin(), gen_->brands().end()).size(), 500u);
  std::map<std::string, int> sizes;
  for (const auto& p : *products_) ++sizes[p.brand];
  int top = 0;
  for (const auto& [brand, n] : sizes) top = std::max(top, n);
  EXPECT_GT(top, 10 * static_cast<int>(kN) / 500);
}

TEST_F(Distribution, PricesAreLogNormalAroundFortyDollars) {
  std::vector<std::int64_t> cents;
  for (const auto& p : *products_) cents.push_back(p.price_cents);
  std::sort(cents.begin(), cents.end());
  const auto median = cents[cents.size() / 2];
  EXPECT_GT(median, 3500);
  EXPECT_LT(median, 4500);
  EXPECT_GE(cents.front(), 99);
  EXPECT_LE(cents.back(), 999999);
  // Log-normal with sigma 1: the 84th percentile is ~e times the median.
  const double ratio = static_cast<double>(cents[cents.size() * 84 / 100]) / median;
  EXPECT_NEAR(ratio, 2.718, 0.3);
}

TEST_F(Distribution, CreatedAtSpansTwoYearsBeforeTheFixedEpoch) {
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const auto& p : *products_) {
    lo = std::min(lo, p.created_at);
    hi = std::max(hi, p.created_at);
  }
  EXPECT_LT(hi, ProductGenerator::kEpoch);
  EXPECT_GE(lo, ProductGenerator::kEpoch - ProductGenerator::kWindowSeconds);
  EXPECT_GT(hi - lo, ProductGenerator::kWindowSeconds * 99 / 100);
}

TEST_F(Distribution, SkusAndSlugsAreUnique) {
  std::set<std::string> skus, slugs;
  for (const auto& p : *products_) {
    skus.insert(p.sku);
    slugs.insert(p.slug);
  }
  EXPECT_EQ(skus.size(), static_cast<std::size_t>(kN));
  EXPECT_EQ(slugs.size(), static_cast<std::size_t>(kN));
}

TEST_F(Distribution, NamesAndDescriptionsUseTheSearchVocabulary) {
  const auto& words = gen_->search_words();
  const std::set<std::string> vocabulary(words.begin(), words.end());
  for (std::size_t i = 0; i < 500; ++i) {
    const Product& p = (*products_)[i];
    std::string text = p.name + " " + p.description;
    std::string word;
    for (char c : text + " ") {
      if (c == ' ' || c == '.') {
        if (!word.empty()) {
          EXPECT_TRUE(vocabulary.count(word)) << word << " in " << text;
        }
        word.clear();
      } else {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    const auto n = std::count(p.name.begin(), p.name.end(), ' ') + 1;
    EXPECT_GE(n, 2);
    EXPECT_LE(n, 4);
  }
}

TEST(CopyFormat, EscapesTextAndJsonSoValuesRoundTrip) {
  Product p = ProductGenerator(1, 1).make(1);
  p.name = "Tab\there \"quoted\" back\\slash\nline\rcr \x01 caf\xc3\xa9";
  p.description = p.name + " and more";
  p.brand = "Br\"and\\";
  p.sku = "SKU-\t1";
  const auto a = split_tabs(format_copy_row(option::Landing::kTyped, p));
  ASSERT_EQ(a.size(), 12u);
  EXPECT_EQ(copy_unescape(a[1]), p.sku);
  EXPECT_EQ(copy_unescape(a[3]), p.name);
  EXPECT_EQ(copy_unescape(a[4]), p.description);
  EXPECT_EQ(copy_unescape(a[6]), p.brand);

  const auto b = split_tabs(format_copy_row(option::Landing::kDocuments, p));
  ASSERT_EQ(b.size(), 8u);
  EXPECT_EQ(copy_unescape(b[3]), p.name);
  const auto doc = nlohmann::json::parse(copy_unescape(b[7]));
  EXPECT_EQ(doc["sku"], p.sku);
  EXPECT_EQ(doc["description"], p.description);
  EXPECT_EQ(doc["brand"], p.brand);
  EXPECT_EQ(doc["categoryId"], p.category_id);
  EXPECT_EQ(doc["stock"], p.stock);
}

TEST(CopyFormat, PricesAndTimestampsUsePostgresTextForms) {
  Product p = ProductGenerator(1, 1).make(1);
  p.price_cents = 105;
  p.created_at = 1709251199;  // 2024-02-29 23:59:59 UTC (leap day)
  const auto a = split_tabs(format_copy_row(option::Landing::kTyped, p));
  EXPECT_EQ(a[7], "1.05");
  EXPECT_EQ(a[10], "2024-02-29 23:59:59+00");
  const auto b = split_tabs(format_copy_row(option::Landing::kDocuments, p));
  EXPECT_NE(b[7].find("\"price\": 1.05"), std::string::npos) << b[7];
}

}  // namespace
}  // namespace lg::datagen

namespace lg::datagen {
namespace {

// The parameter generators draw SKUs and slugs through the partial makers: they must be the
// very values a full product carries, or lookups would miss.
TEST(PartialMakers, SkuAndSlugEqualTheFullProducts) {
  const ProductGenerator gen(42, 5000);
  Product full, partial;
  std::string sku;
  for (std::int64_t id : {1, 2, 17, 2500, 4999, 5000, 123456}) {
    gen.make_into(id, full);
    gen.sku_into(id, sku);
    gen.name_and_slug_into(id, partial);
    EXPECT_EQ(sku, full.sku) << id;
    EXPECT_EQ(partial.slug, full.slug) << id;
    EXPECT_EQ(partial.name, full.name) << id;
  }
}

}  // namespace
}  // namespace lg::datagen
