#include "harness/workload/request_template.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "harness/workload/params.hpp"

namespace lg::workload {
namespace {

constexpr std::array<std::string_view, 4> kMethods = {"GET", "POST", "PUT", "DELETE"};

// A placeholder resolved to (generator, which of its values).
struct Placeholder {
  std::string generator;
  int component = 0;
};

bool resolve(const std::string& name, Placeholder& out) {
  if (name == "price_min" || name == "price_max") {
    out = {"price_range", name == "price_max" ? 1 : 0};
    return true;
  }
  if (generator_arity(name) != 1) return false;
  out = {name, 0};
  return true;
}

// Accumulates the generators a template draws, each once, and their first slot.
struct Draws {
  QuerySpec& spec;
  std::vector<int> first_slot;

  int slot_of(const Placeholder& p) {
    auto it = std::find(spec.generators.begin(), spec.generators.end(), p.generator);
    if (it == spec.generators.end()) {
      spec.generators.push_back(p.generator);
      first_slot.push_back(spec.param_count);
      spec.param_count += generator_arity(p.generator);
      it = spec.generators.end() - 1;
    }
    return first_slot[static_cast<std::size_t>(it - spec.generators.begin())] + p.component;
  }
};

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// "{name}" with name of [A-Za-z0-9_]+ is a placeholder; any other brace is literal text, so
// JSON bodies need no escaping.
std::vector<Segment> split(const std::string& text, Draws& draws, const SourceLoc& at,
                           const std::string& field) {
  std::vector<Segment> out;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t end = i + 1;
    while (text[i] == '{' && end < text.size() && identifier_char(text[end])) ++end;
    if (text[i] != '{' || end == i + 1 || (end < text.size() && text[end] != '}')) {
      literal.push_back(text[i]);
      continue;
    }
    if (end == text.size()) {
      throw InputError(at, field, "unterminated placeholder at \"" + text.substr(i) + "\"");
    }
    const std::string name = text.substr(i + 1, end - i - 1);
    Placeholder p;
    if (!resolve(name, p)) {
      std::string known;
      for (const auto& n : placeholder_names()) known += (known.empty() ? "" : ", ") + n;
      throw InputError(at, field, "unknown placeholder {" + name + "}; known: " + known);
    }
    if (!literal.empty()) out.push_back({std::move(literal), -1});
    literal.clear();
    out.push_back({"", draws.slot_of(p)});
    i = end;
  }
  if (!literal.empty()) out.push_back({std::move(literal), -1});
  return out;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

void append_encoded(std::string_view v, bool url, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (url && !unreserved(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else if (!url && (c == '"' || c == '\\')) {
      out.push_back('\\');
      out.push_back(ch);
    } else {
      out.push_back(ch);
    }
  }
}

}  // namespace

const std::vector<std::string>& placeholder_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& g : generator_names()) {
      if (generator_arity(g) == 1) out.push_back(g);
    }
    out.emplace_back("price_min");
    out.emplace_back("price_max");
    return out;
  }();
  return names;
}

RequestTemplate compile_request(const std::string& name, const std::string& method,
                                const std::string& path, const std::string& body, int expect_status,
                                const SourceLoc& at, const std::string& field) {
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    throw InputError(at, field + ".method",
                     "unsupported method \"" + method + "\"; expected GET, POST, PUT or DELETE");
  }
  if (path.empty() || path[0] != '/') {
    throw InputError(at, field + ".path", "must start with '/', got \"" + path + "\"");
  }
  RequestTemplate t;
  t.name = name;
  t.method = method;
  t.expect_status = expect_status;
  t.params.name = name;
  t.params.option = '\0';
  Draws draws{t.params, {}};
  t.path = split(path, draws, at, field + ".path");
  t.body = split(body, draws, at, field + ".body");
  return t;
}

void render(const std::vector<Segment>& segments,
            const std::vector<std::optional<std::string>>& values, bool url, std::string& out) {
  out.clear();
  for (const auto& s : segments) {
    if (s.slot < 0) {
      out.append(s.literal);
    } else if (const auto& v = values[static_cast<std::size_t>(s.slot)]) {
      append_encoded(*v, url, out);
    }
  }
}

}  // namespace lg::workload
