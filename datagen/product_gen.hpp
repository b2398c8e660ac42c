#pragma once
// Seeded synthetic products (issue 2, item 4). Every product is a pure function of (seed, id),
// so a parameter generator can recompute any product without asking the database.

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/rng.hpp"

namespace lg::datagen {

/// One generated product, identical for options A, B and C.
struct Product {
  std::int64_t id = 0;
  std::string sku;          ///< "SKU-" + 8 hex digits, a bijective scramble of id: unique
  std::string slug;         ///< "<kebab-name>-<id>": unique
  std::string name;         ///< 2-4 capitalised words
  std::string description;  ///< 10-25 words ending in '.'
  std::string brand;
  std::int32_t category_id = 0;  ///< 1..kCategories, Zipf-skewed
  std::int64_t price_cents = 0;  ///< log-normal, 99..999999
  std::int32_t stock = 0;        ///< 0 (~10%) or 1..500 skewed low
  bool published = false;        ///< ~95% true ('publish'), else 'draft'
  std::int64_t created_at = 0;   ///< unix seconds UTC, within two years before kEpoch
};

/// Deterministic product source: the same (seed, count) gives byte-identical products on every
/// platform (all distributions are built on lg::Rng's raw bits).
class ProductGenerator {
 public:
  static constexpr int kCategories = 200;
  static constexpr int kBrands = 500;
  /// Fixed end of the created_at window, 2026-01-01T00:00:00Z (never wall-clock: determinism).
  static constexpr std::int64_t kEpoch = 1767225600;
  static constexpr std::int64_t kWindowSeconds = 2 * 365 * 86400;

  /// count: number of products, ids 1..count (count >= 1, else std::invalid_argument).
  ProductGenerator(std::uint64_t seed, std::int64_t count);

  /// Product `id` (1..count; not checked, any id >= 1 yields a well-formed product).
  Product make(std::int64_t id) const;
  /// Same as make() but reuses the strings' buffers: no allocation after warm-up.
  void make_into(std::int64_t id, Product& out) const;
  /// Product `id`'s SKU only, into `out` (what make_into writes to Product::sku): a parameter
  /// generator drawing SKUs needs nothing else, and the rest of a product costs microseconds.
  void sku_into(std::int64_t id, std::string& out) const;
  /// Product `id`'s name and slug only (Product::name and ::slug as make_into writes them).
  void name_and_slug_into(std::int64_t id, Product& out) const;

  std::int64_t count() const noexcept { return count_; }
  std::uint64_t seed() const noexcept { return seed_; }
  /// kBrands unique brand names derived from the seed; Product::brand is one of them.
  const std::vector<std::string>& brands() const noexcept { return brands_; }
  /// Lowercase words that occur in names and descriptions (full-text search vocabulary).
  const std::vector<std::string>& search_words() const noexcept { return search_words_; }

  // The data's distributions, shared with the parameter generators so queries follow the data.
  /// Category id 1..kCategories with the data's Zipf skew.
  std::int32_t draw_category(Rng& rng) const noexcept;
  /// Brand index into brands() with the data's Zipf skew.
  std::int32_t draw_brand(Rng& rng) const noexcept;
  /// Log-normal price in cents (median $40), clamped to 99..999999.
  static std::int64_t draw_price_cents(Rng& rng) noexcept;
  /// Stock: 0 with p=0.10, else 1..500 skewed low (exponential, mean 60).
  static std::int32_t draw_stock(Rng& rng) noexcept;

 private:
  void build_brands();
  void build_search_words();

  std::uint64_t seed_;
  std::int64_t count_;
  std::uint32_t sku_key_;
  std::vector<std::string> brands_;
  std::vector<double> brand_cdf_;
  std::vector<double> category_cdf_;
  std::vector<std::string> search_words_;
};

}  // namespace lg::datagen
