#pragma once
// Metric tags: the k6 notion of key/value labels on a sample ("query:sku_lookup").

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace lg {

/// Tag set, kept sorted by key so two equal sets compare equal.
using Tags = std::vector<std::pair<std::string, std::string>>;

/// Sorts by key; later duplicates of a key replace earlier ones.
inline Tags make_tags(Tags tags) {
  std::stable_sort(tags.begin(), tags.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Tags out;
  for (auto& kv : tags) {
    if (!out.empty() && out.back().first == kv.first) {
      out.back().second = std::move(kv.second);
    } else {
      out.push_back(std::move(kv));
    }
  }
  return out;
}

/// Value of `key`, or empty string when absent.
inline const std::string& tag_value(const Tags& tags, const std::string& key) {
  static const std::string kEmpty;
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return kEmpty;
}

/// True when every (key, value) of `filter` is in `tags` (k6 threshold sub-metric match).
inline bool tags_match(const Tags& tags, const Tags& filter) {
  for (const auto& [k, v] : filter) {
    bool found = false;
    for (const auto& [tk, tv] : tags) {
      if (tk == k && tv == v) found = true;
    }
    if (!found) return false;
  }
  return true;
}

/// "key:value,key:value", the form used in selectors and file output.
inline std::string format_tags(const Tags& tags) {
  std::string out;
  for (const auto& [k, v] : tags) {
    if (!out.empty()) out += ',';
    out += k + ':' + v;
  }
  return out;
}

}  // namespace lg
