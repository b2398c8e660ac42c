#include "datagen/product_gen.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string_view>

namespace lg::datagen {
namespace {

// Word lists: lowercase, no English stop words and no websearch operators ("or"), so every
// word is a lexeme that full-text search can find.
constexpr std::array<std::string_view, 50> kAdjectives = {
    "rustic",     "modern",   "classic",    "vintage",   "compact",  "portable",   "premium",
    "durable",    "elegant",  "sleek",      "ergonomic", "light",    "heavy",      "deluxe",
    "organic",    "handmade", "waterproof", "wireless",  "smart",    "cozy",       "bold",
    "minimalist", "sturdy",   "glossy",     "matte",     "foldable", "adjustable", "insulated",
    "reusable",   "rugged",   "slim",       "vivid",     "quiet",    "rapid",      "gentle",
    "royal",      "urban",    "nordic",     "tropical",  "arctic",   "golden",     "crimson",
    "azure",      "emerald",  "ivory",      "charcoal",  "midnight", "sunny",      "breezy",
    "polished"};

constexpr std::array<std::string_view, 30> kMaterials = {
    "leather", "cotton",    "wool",     "linen",  "silk",     "bamboo",  "oak",      "walnut",
    "maple",   "steel",     "aluminum", "copper", "brass",    "ceramic", "glass",    "marble",
    "granite", "porcelain", "velvet",   "denim",  "canvas",   "rubber",  "silicone", "titanium",
    "carbon",  "cedar",     "birch",    "suede",  "cashmere", "concrete"};

constexpr std::array<std::string_view, 80> kNouns = {
    "wallet",   "backpack", "lamp",       "chair",      "table",      "mug",      "kettle",
    "blender",  "jacket",   "sweater",    "scarf",      "boots",      "sneakers", "watch",
    "bracelet", "necklace", "ring",       "headphones", "speaker",    "keyboard", "mouse",
    "monitor",  "charger",  "blanket",    "pillow",     "rug",        "curtain",  "vase",
    "planter",  "bottle",   "tumbler",    "skillet",    "knife",      "spatula",  "whisk",
    "teapot",   "notebook", "pen",        "pencil",     "desk",       "shelf",    "cabinet",
    "mirror",   "clock",    "candle",     "frame",      "tent",       "hammock",  "lantern",
    "bicycle",  "helmet",   "gloves",     "umbrella",   "suitcase",   "duffel",   "tote",
    "belt",     "hat",      "sunglasses", "jersey",     "hoodie",     "shorts",   "sandals",
    "slippers", "apron",    "towel",      "bathrobe",   "toothbrush", "razor",    "comb",
    "thermos",  "cooler",   "grill",      "drone",      "camera",     "tripod",   "tablet",
    "router",   "printer",  "projector"};

constexpr std::array<std::string_view, 10> kSuffixes = {
    "set", "kit", "pack", "bundle", "pro", "mini", "max", "plus", "edition", "collection"};

constexpr std::array<std::string_view, 166> kDescriptionWords = {
    "crafted",     "designed",   "engineered",  "everyday",     "travel",      "outdoor",
    "indoor",      "kitchen",    "office",      "garden",       "comfort",     "durability",
    "warranty",    "stylish",    "versatile",   "breathable",   "washable",    "dishwasher",
    "microwave",   "safe",       "finish",      "texture",      "pattern",     "color",
    "palette",     "natural",    "sustainable", "recycled",     "eco",         "friendly",
    "family",      "gift",       "holiday",     "birthday",     "wedding",     "anniversary",
    "weekend",     "adventure",  "hiking",      "camping",      "running",     "cycling",
    "yoga",        "fitness",    "training",    "commute",      "business",    "casual",
    "formal",      "party",      "beach",       "mountain",     "winter",      "summer",
    "spring",      "autumn",     "rain",        "snow",         "storage",     "organizer",
    "pocket",      "zipper",     "strap",       "handle",       "lid",         "base",
    "cushion",     "padding",    "lining",      "stitching",    "seams",       "edges",
    "grip",        "balance",    "weight",      "capacity",     "battery",     "charging",
    "bluetooth",   "usb",        "display",     "sensor",       "motor",       "blade",
    "nozzle",      "filter",     "cord",        "cable",        "adapter",     "mount",
    "bracket",     "hinge",      "latch",       "buckle",       "button",      "knob",
    "dial",        "switch",     "timer",       "thermostat",   "heating",     "cooling",
    "airflow",     "noise",      "vibration",   "precision",    "accuracy",    "speed",
    "power",       "efficiency", "energy",      "saving",       "quality",     "tested",
    "certified",   "approved",   "imported",    "local",        "artisan",     "studio",
    "workshop",    "factory",    "heritage",    "tradition",    "innovation",  "technology",
    "performance", "reliable",   "trusted",     "popular",      "bestseller",  "limited",
    "exclusive",   "seasonal",   "timeless",    "iconic",       "signature",   "essential",
    "practical",   "effortless", "assembly",    "installation", "maintenance", "cleaning",
    "scratch",     "resistant",  "stain",       "odor",         "moisture",    "wicking",
    "stretch",     "fit",        "sizing",      "tailored",     "relaxed",     "soft",
    "smooth",      "crisp",      "warm",        "cool",         "fresh",       "bright",
    "vibrant",     "subtle",     "neutral",     "earthy"};

constexpr std::array<std::string_view, 24> kBrandSyllables = {
    "nor", "vex", "al",  "ta", "lu", "mi", "ko",  "ra", "zen", "bel", "co", "ri",
    "sa",  "on",  "dex", "ar", "vi", "lo", "ter", "ma", "qu",  "is",  "ex", "ny"};

constexpr double kZipfExponent = 0.8;
constexpr double kPriceMu = 3.6888794541139363;  // ln(40): median price $40
constexpr double kPriceSigma = 1.0;

std::vector<double> zipf_cdf(int n, double exponent) {
  std::vector<double> cdf(static_cast<std::size_t>(n));
  double sum = 0;
  for (int k = 1; k <= n; ++k) sum += 1.0 / std::pow(k, exponent);
  double acc = 0;
  for (int k = 1; k <= n; ++k) {
    acc += 1.0 / std::pow(k, exponent) / sum;
    cdf[static_cast<std::size_t>(k - 1)] = acc;
  }
  cdf.back() = 1.0;
  return cdf;
}

std::int32_t draw_from_cdf(const std::vector<double>& cdf, Rng& rng) noexcept {
  const double u = rng.uniform01();
  auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  if (it == cdf.end()) --it;
  return static_cast<std::int32_t>(it - cdf.begin());
}

// Bijection on 32-bit integers (odd multiplications and xor-shifts are invertible), so distinct
// ids below 2^32 give distinct SKUs without a lookup table.
std::uint32_t scramble32(std::uint32_t x, std::uint32_t key) noexcept {
  x ^= key;
  x *= 0x9E3779B1u;
  x ^= x >> 16;
  x *= 0x85EBCA6Bu;
  x ^= x >> 13;
  return x;
}

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& words, Rng& rng) noexcept {
  return words[static_cast<std::size_t>(rng.uniform(0, static_cast<std::int64_t>(N) - 1))];
}

void append_capitalised(std::string& out, std::string_view word) {
  out.push_back(static_cast<char>(word[0] - 'a' + 'A'));
  out.append(word.data() + 1, word.size() - 1);
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void make_sku(std::string& out, std::int64_t id, std::uint32_t key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::uint32_t v = scramble32(static_cast<std::uint32_t>(id), key);
  out.assign("SKU-");
  for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
}

// Name and slug are written together so both come from the same draws.
void make_name_and_slug(Product& p, Rng& rng) {
  std::array<std::string_view, 4> words;
  const int n = static_cast<int>(rng.uniform(2, 4));
  int w = 0;
  words[w++] = pick(kAdjectives, rng);
  if (n >= 3) words[w++] = pick(kMaterials, rng);
  words[w++] = pick(kNouns, rng);
  if (n == 4) words[w++] = pick(kSuffixes, rng);
  p.name.clear();
  p.slug.clear();
  for (int i = 0; i < w; ++i) {
    if (i > 0) {
      p.name.push_back(' ');
      p.slug.push_back('-');
    }
    append_capitalised(p.name, words[static_cast<std::size_t>(i)]);
    p.slug.append(words[static_cast<std::size_t>(i)]);
  }
  p.slug.push_back('-');
  append_int(p.slug, p.id);
}

// Mostly description words, with some name vocabulary mixed in, so a search for "leather"
// also finds products that only mention it.
void make_description(std::string& out, Rng& rng) {
  const int n = static_cast<int>(rng.uniform(10, 25));
  out.clear();
  for (int i = 0; i < n; ++i) {
    const std::uint64_t kind = rng.next() % 8;
    std::string_view word = kind == 0   ? pick(kMaterials, rng)
                            : kind == 1 ? pick(kAdjectives, rng)
                                        : pick(kDescriptionWords, rng);
    if (i == 0) {
      append_capitalised(out, word);
    } else {
      out.push_back(' ');
      out.append(word);
    }
  }
  out.push_back('.');
}

}  // namespace

ProductGenerator::ProductGenerator(std::uint64_t seed, std::int64_t count)
    : seed_(seed), count_(count) {
  if (count < 1) throw std::invalid_argument("ProductGenerator: count must be >= 1");
  Rng key_rng = Rng::stream(seed, "sku-key");
  sku_key_ = static_cast<std::uint32_t>(key_rng.next());
  category_cdf_ = zipf_cdf(kCategories, kZipfExponent);
  brand_cdf_ = zipf_cdf(kBrands, kZipfExponent);
  build_brands();
  build_search_words();
}

void ProductGenerator::build_brands() {
  Rng rng = Rng::stream(seed_, "brands");
  std::set<std::string> seen;
  brands_.reserve(kBrands);
  while (static_cast<int>(brands_.size()) < kBrands) {
    std::string name;
    const auto syllables = rng.uniform(2, 3);
    for (std::int64_t i = 0; i < syllables; ++i) name.append(pick(kBrandSyllables, rng));
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    if (seen.insert(name).second) brands_.push_back(std::move(name));
  }
}

void ProductGenerator::build_search_words() {
  std::set<std::string_view> words;
  words.insert(kAdjectives.begin(), kAdjectives.end());
  words.insert(kMaterials.begin(), kMaterials.end());
  words.insert(kNouns.begin(), kNouns.end());
  words.insert(kSuffixes.begin(), kSuffixes.end());
  words.insert(kDescriptionWords.begin(), kDescriptionWords.end());
  for (auto w : words) search_words_.emplace_back(w);
}

std::int32_t ProductGenerator::draw_category(Rng& rng) const noexcept {
  return draw_from_cdf(category_cdf_, rng) + 1;
}

std::int32_t ProductGenerator::draw_brand(Rng& rng) const noexcept {
  return draw_from_cdf(brand_cdf_, rng);
}

std::int64_t ProductGenerator::draw_price_cents(Rng& rng) noexcept {
  const double dollars = std::exp(kPriceMu + kPriceSigma * rng.normal());
  const auto cents = static_cast<std::int64_t>(std::llround(dollars * 100.0));
  return std::clamp<std::int64_t>(cents, 99, 999999);
}

std::int32_t ProductGenerator::draw_stock(Rng& rng) noexcept {
  if (rng.bernoulli(0.10)) return 0;
  const auto extra = static_cast<std::int64_t>(rng.exponential(60.0));
  return static_cast<std::int32_t>(std::min<std::int64_t>(500, 1 + extra));
}

Product ProductGenerator::make(std::int64_t id) const {
  Product p;
  make_into(id, p);
  return p;
}

void ProductGenerator::sku_into(std::int64_t id, std::string& out) const {
  make_sku(out, id, sku_key_);
}

void ProductGenerator::name_and_slug_into(std::int64_t id, Product& p) const {
  // The same stream as make_into, and name and slug are its first draws.
  Rng rng = Rng::stream(seed_, "product", static_cast<std::uint64_t>(id));
  p.id = id;
  make_name_and_slug(p, rng);
}

void ProductGenerator::make_into(std::int64_t id, Product& p) const {
  // The stream depends only on (seed, id): any product can be recomputed in any order.
  Rng rng = Rng::stream(seed_, "product", static_cast<std::uint64_t>(id));
  p.id = id;
  make_sku(p.sku, id, sku_key_);
  make_name_and_slug(p, rng);
  make_description(p.description, rng);
  p.brand.assign(brands_[static_cast<std::size_t>(draw_brand(rng))]);
  p.category_id = draw_category(rng);
  p.price_cents = draw_price_cents(rng);
  p.stock = draw_stock(rng);
  p.published = rng.bernoulli(0.95);
  p.created_at = kEpoch - rng.uniform(1, kWindowSeconds);
}

}  // namespace lg::datagen
