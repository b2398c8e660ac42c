#include "catalog_api/request_params.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace lg::api {
namespace {

constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

const std::set<std::string> kPagingParams = {"page", "limit", "sortBy", "sortOrder"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parameter names are user input too: an unknown one is echoed only after validation, so the
// error message itself stays valid UTF-8 and short.
std::string printable_name(std::string_view name) {
  if (!valid_utf8(name) || name.find('\0') != std::string_view::npos) return "<invalid name>";
  return std::string(name.substr(0, 40));
}

SortBy parse_sort_by(std::string_view text) {
  if (text == "created_at") return SortBy::kCreatedAt;
  if (text == "price") return SortBy::kPrice;
  if (text == "name") return SortBy::kName;
  throw ParamError("sortBy", "must be one of created_at, price, name");
}

bool parse_sort_order(std::string_view text) {
  const std::string l = lower(text);
  if (l == "desc") return true;
  if (l == "asc") return false;
  throw ParamError("sortOrder", "must be ASC or DESC");
}

void apply_filter(ListingRequest& r, const std::string& name, const std::string& value) {
  if (name == "categoryId") {
    r.category_id = static_cast<std::int32_t>(parse_int(name, value, kInt32Min, kInt32Max));
  } else if (name == "priceMin") {
    r.price_min = parse_decimal(name, value);
  } else if (name == "priceMax") {
    r.price_max = parse_decimal(name, value);
  } else if (name == "inStock") {
    r.in_stock = parse_bool(name, value);
  } else if (name == "brand") {
    r.brand = checked_text(name, value);
  } else if (name == "search" || name == "q") {
    r.search = checked_text(name, value);
  } else if (name == "page") {
    r.page = parse_int(name, value, 1, kInt32Max);
  } else if (name == "limit") {
    r.limit = static_cast<int>(parse_int(name, value, 1, kMaxLimit));
  } else if (name == "sortBy") {
    r.sort_by = parse_sort_by(value);
  } else if (name == "sortOrder") {
    r.descending = parse_sort_order(value);
  }
}

// Length of the UTF-8 sequence starting with `lead`, or 0 for a byte that cannot lead one.
int sequence_length(unsigned char lead) noexcept {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Second-byte ranges exclude overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4).
bool second_byte_ok(unsigned char lead, unsigned char b) noexcept {
  if (lead == 0xE0) return b >= 0xA0 && b <= 0xBF;
  if (lead == 0xED) return b >= 0x80 && b <= 0x9F;
  if (lead == 0xF0) return b >= 0x90 && b <= 0xBF;
  if (lead == 0xF4) return b >= 0x80 && b <= 0x8F;
  return b >= 0x80 && b <= 0xBF;
}

}  // namespace

bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const int n = sequence_length(lead);
    if (n == 0 || i + static_cast<std::size_t>(n) > s.size()) return false;
    for (int k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      const bool ok = k == 1 ? second_byte_ok(lead, b) : (b >= 0x80 && b <= 0xBF);
      if (!ok) return false;
    }
    i += static_cast<std::size_t>(n);
  }
  return true;
}

std::string checked_text(std::string_view param, std::string_view value, std::size_t max_bytes) {
  const std::string name(param);
  if (value.empty()) throw ParamError(name, "must not be empty");
  if (value.size() > max_bytes) {
    throw ParamError(name, "longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!valid_utf8(value)) throw ParamError(name, "is not valid UTF-8");
  // libpq passes parameters as C strings: a NUL would silently cut the value short.
  if (value.find('\0') != std::string_view::npos) throw ParamError(name, "contains a NUL byte");
  return std::string(value);
}

std::int64_t parse_int(std::string_view param, std::string_view text, std::int64_t min,
                       std::int64_t max) {
  const std::string name(param);
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) throw ParamError(name, "must be an integer");
  if (v < min || v > max) {
    throw ParamError(name,
                     "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

std::string parse_decimal(std::string_view param, std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool ok = !whole.empty() && whole.size() <= 12 && digits(whole) && digits(frac) &&
                  frac.size() <= 6 && (dot == std::string_view::npos || !frac.empty());
  if (!ok) throw ParamError(std::string(param), "must be a non-negative decimal number");
  return std::string(text);
}

bool parse_bool(std::string_view param, std::string_view text) {
  const std::string l = lower(text);
  if (l == "true" || l == "1") return true;
  if (l == "false" || l == "0") return false;
  throw ParamError(std::string(param), "must be true, false, 1 or 0");
}

std::map<std::string, std::string> unique_params(const QueryParams& params,
                                                 const std::set<std::string>& allowed) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : params) {
    if (!allowed.count(name)) throw ParamError(printable_name(name), "unknown parameter");
    if (!out.emplace(name, value).second) throw ParamError(name, "given more than once");
  }
  return out;
}

ListingRequest parse_listing(const QueryParams& params, std::set<std::string> allowed) {
  allowed.insert(kPagingParams.begin(), kPagingParams.end());
  ListingRequest r;
  for (const auto& [name, value] : unique_params(params, allowed)) {
    if (value.empty()) throw ParamError(name, "must not be empty");
    apply_filter(r, name, value);
  }
  return r;
}

}  // namespace lg::api
