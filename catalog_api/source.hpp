#pragma once
// The schema option catalog-api serves and the read source a response came from (the value
// of the X-Read-Source header and of the `source` metric label).

#include <string_view>

namespace lg::api {

/// Schema option (docs/architecture.md): A products table, B JSONB documents, C documents + view.
enum class Option { kA, kB, kC };

/// Where a response's rows came from. kFallback: option C's view failed and custom_posts
/// answered instead. kNone: the route reads no product rows (health, metrics, admin, errors).
enum class ReadSource { kProducts, kCustomPosts, kMv, kFallback, kNone };

inline constexpr int kReadSourceCount = 5;

/// Header/label text: "products", "custom_posts", "mv", "fallback", "none".
constexpr std::string_view source_name(ReadSource s) {
  switch (s) {
    case ReadSource::kProducts:
      return "products";
    case ReadSource::kCustomPosts:
      return "custom_posts";
    case ReadSource::kMv:
      return "mv";
    case ReadSource::kFallback:
      return "fallback";
    case ReadSource::kNone:
      break;
  }
  return "none";
}

/// "A", "B" or "C".
constexpr std::string_view option_name(Option o) {
  return o == Option::kA ? "A" : o == Option::kB ? "B" : "C";
}

/// The source of reads that go to the option's write table (A: products, B/C: custom_posts).
constexpr ReadSource write_table_source(Option o) {
  return o == Option::kA ? ReadSource::kProducts : ReadSource::kCustomPosts;
}

}  // namespace lg::api
