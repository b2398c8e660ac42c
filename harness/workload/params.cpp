#include "harness/workload/params.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lg::workload {
namespace {

struct GeneratorInfo {
  std::string_view name;
  int arity;
};

constexpr std::array<GeneratorInfo, 15> kGenerators = {{{"sku", 1},
                                                        {"slug", 1},
                                                        {"category", 1},
                                                        {"brand", 1},
                                                        {"price_range", 2},
                                                        {"page_offset", 1},
                                                        {"search_words", 1},
                                                        {"stock_limit", 1},
                                                        {"page", 1},
                                                        {"product_id", 1},
                                                        {"write_id", 1},
                                                        {"write_price", 1},
                                                        {"write_stock", 1},
                                                        {"write_status", 1},
                                                        {"new_product", 10}}};

constexpr int kPageSize = 20;
constexpr int kLastPage = 10;          // offsets 0..200
constexpr double kMeanPage = 1.5;      // most readers stay on the first pages
constexpr double kTwoWordShare = 0.4;  // share of two-word searches
constexpr std::int64_t kMinStockLimit = 5;
constexpr std::int64_t kMaxStockLimit = 20;
constexpr double kPublishShare = 0.95;     // datagen's Product::published
constexpr std::int64_t kFirstWriteId = 2;  // product 1 is the staleness probe's (params.hpp)
constexpr std::int64_t kMaxProductId = 0xFFFFFFFF;  // SKUs scramble the id's low 32 bits
constexpr std::array<std::string_view, 3> kPriceStockWrite = {"write_id", "write_price",
                                                              "write_stock"};

std::string& slot_string(std::vector<std::optional<std::string>>& out, std::size_t slot) {
  if (!out[slot]) out[slot].emplace();
  return *out[slot];
}

void assign_int(std::string& s, std::int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  s.assign(buf, res.ptr);
}

void assign_cents(std::string& s, std::int64_t cents) {
  assign_int(s, cents / 100);
  const auto rest = static_cast<int>(cents % 100);
  s.push_back('.');
  s.push_back(static_cast<char>('0' + rest / 10));
  s.push_back(static_cast<char>('0' + rest % 10));
}

}  // namespace

int generator_arity(std::string_view name) noexcept {
  for (const auto& g : kGenerators) {
    if (g.name == name) return g.arity;
  }
  return 0;
}

const std::vector<std::string>& generator_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& g : kGenerators) out.emplace_back(g.name);
    return out;
  }();
  return names;
}

std::string format_cents(std::int64_t cents) {
  std::string s;
  assign_cents(s, cents);
  return s;
}

ParamGenerator::ParamGenerator(const datagen::ProductGenerator& data, std::uint64_t seed,
                               std::uint64_t stream)
    : data_(&data),
      rng_(Rng::stream(seed, "params", stream)),
      insert_first_(data.count() + 1 + static_cast<std::int64_t>(stream % kDefaultInsertLanes)) {}

void ParamGenerator::set_insert_lane(std::int64_t first, std::int64_t step) {
  if (first <= data_->count() || step < 1) {
    throw std::invalid_argument("insert lane (first " + std::to_string(first) + ", step " +
                                std::to_string(step) + ") must start above the " +
                                std::to_string(data_->count()) +
                                " existing products with a step >= 1");
  }
  insert_first_ = first;
  insert_step_ = step;
  inserts_ = 0;
}

std::vector<std::optional<std::string>> ParamGenerator::next(const QuerySpec& q) {
  std::vector<std::optional<std::string>> out;
  next_into(q, out);
  return out;
}

void ParamGenerator::next_into(const QuerySpec& q, std::vector<std::optional<std::string>>& out) {
  out.resize(static_cast<std::size_t>(q.param_count));
  std::size_t slot = 0;
  for (const auto& g : q.generators) fill(g, out, slot);
}

std::int64_t ParamGenerator::random_id() noexcept { return rng_.uniform(1, data_->count()); }

std::int64_t ParamGenerator::random_write_id() {
  if (data_->count() < kFirstWriteId) {
    throw std::invalid_argument("write_id needs at least 2 products (product 1 is never written)");
  }
  return rng_.uniform(kFirstWriteId, data_->count());
}

void ParamGenerator::fill(std::string_view g, std::vector<std::optional<std::string>>& out,
                          std::size_t& slot) {
  if (fill_write(g, out, slot)) return;
  std::string& s = slot_string(out, slot++);
  if (g == "sku") {
    data_->sku_into(random_id(), s);
  } else if (g == "slug") {
    data_->name_and_slug_into(random_id(), scratch_);
    s.assign(scratch_.slug);
  } else if (g == "category") {
    assign_int(s, data_->draw_category(rng_));
  } else if (g == "brand") {
    s.assign(data_->brands()[static_cast<std::size_t>(data_->draw_brand(rng_))]);
  } else if (g == "price_range") {
    // A window starting at a price drawn like the data's, 10%..100% wide.
    const std::int64_t low = datagen::ProductGenerator::draw_price_cents(rng_);
    const double width = 1.1 + 0.9 * rng_.uniform01();
    assign_cents(s, low);
    assign_cents(slot_string(out, slot++), std::llround(static_cast<double>(low) * width));
  } else if (g == "page_offset" || g == "page") {
    const auto page =
        std::min<std::int64_t>(kLastPage, std::llround(std::floor(rng_.exponential(kMeanPage))));
    assign_int(s, g == "page" ? page + 1 : page * kPageSize);
  } else if (g == "product_id") {
    assign_int(s, random_id());
  } else if (g == "search_words") {
    const auto& words = data_->search_words();
    const auto last = static_cast<std::int64_t>(words.size()) - 1;
    s.assign(words[static_cast<std::size_t>(rng_.uniform(0, last))]);
    if (rng_.bernoulli(kTwoWordShare)) {
      s.push_back(' ');
      s.append(words[static_cast<std::size_t>(rng_.uniform(0, last))]);
    }
  } else if (g == "stock_limit") {
    assign_int(s, rng_.uniform(kMinStockLimit, kMaxStockLimit));
  } else {
    throw std::invalid_argument("unknown parameter generator '" + std::string(g) + "'");
  }
}

// The write mix's generators; false when `g` is not one of them.
bool ParamGenerator::fill_write(std::string_view g, std::vector<std::optional<std::string>>& out,
                                std::size_t& slot) {
  if (g == "new_product") {
    fill_new_product(out, slot);
    return true;
  }
  if (g == "write_id") {
    assign_int(slot_string(out, slot), random_write_id());
  } else if (g == "write_price") {
    assign_cents(slot_string(out, slot), datagen::ProductGenerator::draw_price_cents(rng_));
  } else if (g == "write_stock") {
    assign_int(slot_string(out, slot), datagen::ProductGenerator::draw_stock(rng_));
  } else if (g == "write_status") {
    slot_string(out, slot).assign(rng_.bernoulli(kPublishShare) ? "publish" : "draft");
  } else {
    return false;
  }
  ++slot;
  return true;
}

// A whole product of the dataset's kind, keyed by the lane's next id; it draws nothing from
// rng_, so inserts do not shift the other generators' sequence.
void ParamGenerator::fill_new_product(std::vector<std::optional<std::string>>& out,
                                      std::size_t& slot) {
  const std::int64_t id = next_insert_id();
  if (id > kMaxProductId) {
    throw std::out_of_range("new_product id " + std::to_string(id) +
                            " is above 2^32 - 1: its SKU would repeat an earlier one");
  }
  ++inserts_;
  data_->make_into(id, scratch_);
  assign_int(slot_string(out, slot++), id);
  slot_string(out, slot++).assign(scratch_.sku);
  slot_string(out, slot++).assign(scratch_.slug);
  slot_string(out, slot++).assign(scratch_.name);
  slot_string(out, slot++).assign(scratch_.description);
  assign_int(slot_string(out, slot++), scratch_.category_id);
  slot_string(out, slot++).assign(scratch_.brand);
  assign_cents(slot_string(out, slot++), scratch_.price_cents);
  assign_int(slot_string(out, slot++), scratch_.stock);
  slot_string(out, slot++).assign(scratch_.published ? "publish" : "draft");
}

std::vector<std::optional<std::string>> ParamGenerator::next_write() {
  std::vector<std::optional<std::string>> out;
  next_write_into(out);
  return out;
}

void ParamGenerator::next_write_into(std::vector<std::optional<std::string>>& out) {
  out.resize(kPriceStockWrite.size());
  std::size_t slot = 0;
  for (auto g : kPriceStockWrite) fill_write(g, out, slot);
}

}  // namespace lg::workload
