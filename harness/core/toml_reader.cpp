#include "harness/core/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace lg::toml_reader {

std::string type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

// Keys that TOML accepts bare print bare; selectors like sql_duration{query:x} get quotes.
std::string quote_key(std::string_view key) {
  bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? std::string(key) : "\"" + std::string(key) + "\"";
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? quote_key(key) : path + "." + quote_key(key);
}

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "did you mean \"stages\"?" for a near miss, else the full list of accepted keys.
std::string unknown_key_message(std::string_view key, KeyList allowed) {
  std::string_view best;
  size_t best_distance = 3;  // more than two edits away is a different word, not a typo
  std::vector<std::string> names;
  for (auto k : allowed) {
    names.emplace_back(k);
    size_t d = edit_distance(key, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  if (!best.empty()) return "unknown key; did you mean \"" + std::string(best) + "\"?";
  return "unknown key; expected one of: " + list_names(names);
}

// toml::table is ordered by key; users think in file order (first error, mix and thresholds).
std::vector<Entry> in_file_order(const toml::table& t) {
  std::vector<Entry> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return std::tie(x.line, x.column) < std::tie(y.line, y.column);
  });
  return out;
}

toml::table parse_toml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    std::string message(e.description());
    std::replace(message.begin(), message.end(), '\n', ' ');
    const auto& b = e.source().begin;
    throw InputError(SourceLoc{file, static_cast<int>(b.line), static_cast<int>(b.column)}, "",
                     "TOML syntax error: " + message);
  }
}

}  // namespace lg::toml_reader
