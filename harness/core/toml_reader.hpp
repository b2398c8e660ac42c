#pragma once
// Reading TOML input (scenario files, option manifests) with errors a user can act on: every
// check throws one lg::InputError naming file:line:column and the dotted key path, an unknown
// key gets "did you mean" for a near miss, and a syntax error names where toml++ stopped.

#include <toml++/toml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/duration.hpp"
#include "harness/core/errors.hpp"

namespace lg::toml_reader {

/// The keys a table accepts.
using KeyList = std::initializer_list<std::string_view>;
/// A key and its value, as in_file_order lists them.
using Entry = std::pair<const toml::key*, const toml::node*>;

/// What the duration accessors ask for in their error text.
inline constexpr std::string_view kDurationHint = "a duration string like \"30s\"";

/// "table", "string", "integer", ... for error messages.
std::string type_name(toml::node_type t);
/// `key` bare when TOML accepts it bare, else double-quoted (selectors like a{b:c}).
std::string quote_key(std::string_view key);
/// The dotted path `path`.`key` ("" + key is key).
std::string join(const std::string& path, std::string_view key);
/// `path`[i].
std::string indexed(const std::string& path, std::size_t i);
/// Levenshtein distance between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);
/// "a, b, c".
std::string list_names(const std::vector<std::string>& names);
/// "unknown key; did you mean \"stages\"?" for a near miss, else the list of accepted keys.
std::string unknown_key_message(std::string_view key, KeyList allowed);
/// A table's entries in the order they appear in the file (toml::table is ordered by key).
std::vector<Entry> in_file_order(const toml::table& t);

/// Typed accessors that throw InputError at the node's position.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  SourceLoc loc(const toml::source_region& r) const {
    return SourceLoc{file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }

  [[noreturn]] void fail(const toml::source_region& r, const std::string& field,
                         const std::string& message) const {
    throw InputError(loc(r), field, message);
  }

  [[noreturn]] void wrong_type(const toml::node& n, const std::string& field,
                               std::string_view expected) const {
    fail(n.source(), field, "expected " + std::string(expected) + ", got " + type_name(n.type()));
  }

  void check_keys(const toml::table& t, const std::string& path, KeyList allowed) const {
    for (const auto& [key, node] : in_file_order(t)) {
      auto name = key->str();
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      fail(key->source(), join(path, name), unknown_key_message(name, allowed));
    }
  }

  const toml::table& table(const toml::node& n, const std::string& field) const {
    if (!n.is_table()) wrong_type(n, field, "a table");
    return *n.as_table();
  }

  const toml::node& required(const toml::table& t, std::string_view key,
                             const std::string& path) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) fail(t.source(), join(path, key), "required key is missing");
    return *n;
  }

  std::string string(const toml::node& n, const std::string& field) const {
    if (!n.is_string()) wrong_type(n, field, "a string");
    return n.as_string()->get();
  }

  std::int64_t integer(const toml::node& n, const std::string& field, std::int64_t lo,
                       std::int64_t hi) const {
    if (!n.is_integer()) wrong_type(n, field, "an integer");
    std::int64_t v = n.as_integer()->get();
    if (v < lo || v > hi) {
      fail(n.source(), field,
           "out of range: " + std::to_string(v) + " is not in [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]");
    }
    return v;
  }

  double number(const toml::node& n, const std::string& field) const {
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    if (!n.is_floating_point()) wrong_type(n, field, "a number");
    return n.as_floating_point()->get();
  }

  Nanos duration(const toml::node& n, const std::string& field, bool positive) const {
    if (!n.is_string()) wrong_type(n, field, kDurationHint);
    const std::string& text = n.as_string()->get();
    if (!text.empty() && text[0] == '-') {
      fail(n.source(), field, "duration must not be negative, got \"" + text + "\"");
    }
    auto ns = parse_duration(text);
    if (!ns) {
      fail(n.source(), field,
           "malformed duration \"" + text +
               "\": expected <number><unit>, unit one of ns, us, "
               "ms, s, m, h (e.g. \"500ms\", \"30s\")");
    }
    if (positive && *ns <= 0) fail(n.source(), field, "duration must be > 0, got \"" + text + "\"");
    return *ns;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

/// Calls `read` with the sub-table at `key` when the section is present.
template <typename Fn>
void section(const Reader& r, const toml::table& root, std::string_view key, Fn&& read) {
  if (const toml::node* n = root.get(key)) read(r.table(*n, std::string(key)));
}

/// Parses `text` (from `file`, for messages). Throws InputError "file:line:col: TOML syntax
/// error: ..." at the position toml++ reports.
toml::table parse_toml(std::string_view text, const std::string& file);

}  // namespace lg::toml_reader
