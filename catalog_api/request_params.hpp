#pragma once
// Strict parsing and validation of catalog-api request input (query strings, path segments,
// JSON bodies). Anything malformed raises ParamError, which the routes answer with a 400 JSON
// error naming the parameter. Nothing here touches the database or builds SQL.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lg::api {

/// Bad request input. param() names the offending parameter; what() is the full message.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string param, const std::string& message)
      : std::runtime_error(param + ": " + message), param_(std::move(param)) {}
  const std::string& param() const noexcept { return param_; }

 private:
  std::string param_;
};

/// Query-string parameters as cpp-httplib decodes them (same type as httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

/// Longest accepted text value in bytes (search words, brand, slug, sku, name).
inline constexpr std::size_t kMaxTextBytes = 200;
/// Longest accepted product description in bytes.
inline constexpr std::size_t kMaxDescriptionBytes = 5000;
/// Largest page size a listing may ask for.
inline constexpr int kMaxLimit = 100;

/// The whitelisted listing sort keys; routes map them to fixed SQL fragments.
enum class SortBy { kCreatedAt, kPrice, kName };

/// A validated listing request. Optional filters are absent when not given.
struct ListingRequest {
  std::optional<std::int32_t> category_id;
  std::optional<std::string> price_min;  ///< canonical non-negative decimal text, e.g. "12.5"
  std::optional<std::string> price_max;
  std::optional<bool> in_stock;  ///< true: stock > 0; false: stock <= 0
  std::optional<std::string> brand;
  std::optional<std::string> search;  ///< words for plainto_tsquery('english', …)
  std::int64_t page = 1;              ///< 1-based
  int limit = 20;                     ///< 1..kMaxLimit
  SortBy sort_by = SortBy::kCreatedAt;
  bool descending = true;

  /// Row offset of the first row of the page: (page - 1) * limit.
  std::int64_t offset() const { return (page - 1) * limit; }
};

/// Parses a listing query string. `allowed` lists the filter names the route accepts besides
/// page, limit, sortBy and sortOrder; any other name, a repeated name, an empty value, a
/// malformed number, limit outside 1..100, page < 1, an unknown sortBy/sortOrder, text longer
/// than kMaxTextBytes, invalid UTF-8 or a NUL byte raises ParamError.
ListingRequest parse_listing(const QueryParams& params, std::set<std::string> allowed);

/// The parameters as a name -> value map, after checking that every name is in `allowed` and
/// given once (ParamError otherwise; an unprintable name is reported as "<invalid name>").
std::map<std::string, std::string> unique_params(const QueryParams& params,
                                                 const std::set<std::string>& allowed);

/// Validates user text (path segment or query value): non-empty, at most `max_bytes`, valid
/// UTF-8, no NUL. Returns it unchanged; raises ParamError naming `param`.
std::string checked_text(std::string_view param, std::string_view value,
                         std::size_t max_bytes = kMaxTextBytes);

/// Parses a decimal integer in [min, max] (no sign for positives, no spaces, no "+").
/// Raises ParamError naming `param`.
std::int64_t parse_int(std::string_view param, std::string_view text, std::int64_t min,
                       std::int64_t max);

/// Accepts a non-negative decimal ("12", "12.5", "0.99"; at most 12 integer and 6 fraction
/// digits; no exponent, sign, NaN or Infinity) and returns it unchanged for binding as
/// ::numeric. Raises ParamError naming `param`.
std::string parse_decimal(std::string_view param, std::string_view text);

/// true/false/1/0 (case-insensitive true/false). Raises ParamError naming `param`.
bool parse_bool(std::string_view param, std::string_view text);

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;

/// A product's writable fields from a POST/PUT body; absent fields are nullopt.
struct ProductFields {
  std::optional<std::int64_t> id;  ///< POST only; otherwise the id sequence picks it
  std::optional<std::string> sku, slug, name, description, brand;
  std::optional<std::int32_t> category_id;
  std::optional<std::string> price;  ///< "123.45": exactly two decimals, < 100000000
  std::optional<std::int32_t> stock;
  std::optional<std::string> status;  ///< "publish" or "draft"

  /// True when no field is set.
  bool empty() const;
};

/// Parses a POST/PUT JSON body into ProductFields. For creation (`partial` false) sku, slug,
/// name, categoryId, brand and price are required; description defaults to "", stock to 0,
/// status to "publish". An update (`partial` true) needs at least one field and may not set
/// id. Unknown keys, wrong JSON types, out-of-range numbers, bad status or overlong/invalid
/// text raise ParamError naming the key ("body" for a body that is not a JSON object).
ProductFields parse_product_body(std::string_view body, bool partial);

/// Parses {"percent": 0..100} (an integer). Raises ParamError naming "percent" or "body".
int parse_rollout_body(std::string_view body);

}  // namespace lg::api
