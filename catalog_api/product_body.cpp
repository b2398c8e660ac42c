// JSON bodies of POST/PUT /api/products and POST /admin/rollout (declared in request_params.hpp).
#include <cmath>
#include <cstdio>
#include <limits>

#include "catalog_api/request_params.hpp"

namespace lg::api {
namespace {

using nlohmann::json;

constexpr double kMaxPrice = 99'999'999.99;  // numeric(10, 2)

json parse_object(std::string_view body) {
  // allow_exceptions=false: a malformed body (or invalid UTF-8 inside it) becomes a 400.
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded()) throw ParamError("body", "is not valid JSON");
  if (!doc.is_object()) throw ParamError("body", "must be a JSON object");
  return doc;
}

std::int64_t json_int(const std::string& key, const json& v, std::int64_t min, std::int64_t max) {
  if (!v.is_number_integer()) throw ParamError(key, "must be an integer");
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    throw ParamError(key, "is out of range");
  }
  const auto n = v.get<std::int64_t>();
  if (n < min || n > max) throw ParamError(key, "is out of range");
  return n;
}

std::string json_text(const std::string& key, const json& v, std::size_t max_bytes) {
  if (!v.is_string()) throw ParamError(key, "must be a string");
  return checked_text(key, v.get_ref<const std::string&>(), max_bytes);
}

// Prices are money: at most two decimals, formatted like the datagen's ("24.80").
std::string json_price(const json& v) {
  if (!v.is_number()) throw ParamError("price", "must be a number");
  const double p = v.get<double>();
  if (!std::isfinite(p) || p < 0 || p > kMaxPrice) throw ParamError("price", "is out of range");
  const double cents = std::round(p * 100.0);
  if (std::fabs(cents - p * 100.0) > 1e-6 * std::max(1.0, cents)) {
    throw ParamError("price", "has more than two decimals");
  }
  const auto c = static_cast<long long>(cents);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", c / 100, c % 100);
  return buf;
}

std::string json_status(const json& v) {
  if (!v.is_string() || (v != "publish" && v != "draft")) {
    throw ParamError("status", "must be \"publish\" or \"draft\"");
  }
  return v.get<std::string>();
}

void apply_field(ProductFields& f, const std::string& key, const json& v, bool partial) {
  constexpr auto kInt32Max = std::numeric_limits<std::int32_t>::max();
  constexpr auto kInt64Max = std::numeric_limits<std::int64_t>::max();
  if (key == "id" && !partial) {
    f.id = json_int(key, v, 1, kInt64Max);
  } else if (key == "sku") {
    f.sku = json_text(key, v, kMaxTextBytes);
  } else if (key == "slug") {
    f.slug = json_text(key, v, kMaxTextBytes);
  } else if (key == "name") {
    f.name = json_text(key, v, kMaxTextBytes);
  } else if (key == "description") {
    // An empty description is allowed (the column is NOT NULL, not non-empty).
    f.description = v == "" ? std::string() : json_text(key, v, kMaxDescriptionBytes);
  } else if (key == "brand") {
    f.brand = json_text(key, v, kMaxTextBytes);
  } else if (key == "categoryId") {
    f.category_id = static_cast<std::int32_t>(json_int(key, v, 0, kInt32Max));
  } else if (key == "price") {
    f.price = json_price(v);
  } else if (key == "stock") {
    f.stock = static_cast<std::int32_t>(json_int(key, v, 0, kInt32Max));
  } else if (key == "status") {
    f.status = json_status(v);
  } else {
    throw ParamError(key.substr(0, 40), "unknown field");
  }
}

void require_creation_fields(ProductFields& f) {
  if (!f.sku) throw ParamError("sku", "is required");
  if (!f.slug) throw ParamError("slug", "is required");
  if (!f.name) throw ParamError("name", "is required");
  if (!f.category_id) throw ParamError("categoryId", "is required");
  if (!f.brand) throw ParamError("brand", "is required");
  if (!f.price) throw ParamError("price", "is required");
  if (!f.description) f.description = "";
  if (!f.stock) f.stock = 0;
  if (!f.status) f.status = "publish";
}

}  // namespace

bool ProductFields::empty() const {
  return !id && !sku && !slug && !name && !description && !brand && !category_id && !price &&
         !stock && !status;
}

ProductFields parse_product_body(std::string_view body, bool partial) {
  const json doc = parse_object(body);
  ProductFields f;
  for (const auto& [key, value] : doc.items()) apply_field(f, key, value, partial);
  if (partial && f.empty()) throw ParamError("body", "names no field to update");
  if (!partial) require_creation_fields(f);
  return f;
}

int parse_rollout_body(std::string_view body) {
  const json doc = parse_object(body);
  if (doc.size() != 1 || !doc.contains("percent")) {
    throw ParamError("percent", "body must be {\"percent\": 0..100}");
  }
  return static_cast<int>(json_int("percent", doc.at("percent"), 0, 100));
}

}  // namespace lg::api
