#include "harness/workload/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/workload/params.hpp"

namespace lg::workload {
namespace {

constexpr std::string_view kHeader = "params:";
constexpr std::string_view kPriceStockWrite = "update_price_stock";

struct Placeholder {
  int highest = 0;  ///< highest $n, 0 when none
  int line = 0;     ///< line of the highest $n
};

// Skips comments, string literals and quoted identifiers, so "$1" inside them is not counted.
Placeholder scan_placeholders(const std::string& sql) {
  Placeholder found;
  int line = 1;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\n') {
      ++line;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i + 1 < sql.size() && sql[i + 1] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      for (i += 2; i + 1 < sql.size() && !(sql[i] == '*' && sql[i + 1] == '/'); ++i) {
        if (sql[i] == '\n') ++line;
      }
      ++i;
    } else if (c == '\'' || c == '"') {
      for (++i; i < sql.size() && sql[i] != c; ++i) {
        if (sql[i] == '\n') ++line;
      }
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      int n = 0;
      while (i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
        n = n * 10 + (sql[++i] - '0');
      }
      if (n > found.highest) found = {n, line};
    }
  }
  return found;
}

std::string known_generators() {
  std::string out;
  for (const auto& g : generator_names()) out += (out.empty() ? "" : ", ") + g;
  return out;
}

// Parses the generator list after "-- params:" on line `line_no`, checking every name.
std::vector<std::string> parse_generators(const std::string& line, std::size_t start,
                                          const SourceLoc& at) {
  std::vector<std::string> generators;
  std::size_t i = start;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t begin = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (begin == i) break;
    std::string name = line.substr(begin, i - begin);
    if (generator_arity(name) == 0) {
      throw InputError(
          SourceLoc{at.file, at.line, static_cast<int>(begin) + 1}, "params",
          "unknown parameter generator '" + name + "' (known: " + known_generators() + ")");
    }
    generators.push_back(std::move(name));
  }
  return generators;
}

// Finds the `-- params:` line among the leading comment lines; returns its generators and line.
std::vector<std::string> parse_header(const std::string& text, const std::string& file,
                                      int& header_line) {
  std::istringstream lines(text);
  std::string line;
  for (int no = 1; std::getline(lines, line); ++no) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    if (line.compare(first, 2, "--") != 0) break;
    const auto body = line.find_first_not_of(" \t", first + 2);
    if (body != std::string::npos && line.compare(body, kHeader.size(), kHeader) == 0) {
      header_line = no;
      return parse_generators(line, body + kHeader.size(), SourceLoc{file, no, 0});
    }
  }
  throw InputError(SourceLoc{file, 1, 0}, "params",
                   "missing '-- params: <generator> ...' header before the statement");
}

}  // namespace

QuerySpec parse_query(const std::string& text, const std::filesystem::path& file,
                      const std::string& option) {
  QuerySpec q;
  q.name = file.stem().string();
  q.option = option;
  q.sql = text;
  q.file = file;
  int header_line = 0;
  q.generators = parse_header(text, file.string(), header_line);
  for (const auto& g : q.generators) q.param_count += generator_arity(g);
  const Placeholder used = scan_placeholders(text);
  if (used.highest != q.param_count) {
    const int line = used.highest > q.param_count ? used.line : header_line;
    throw InputError(SourceLoc{file.string(), line, 0}, "params",
                     "the '-- params:' header yields " + std::to_string(q.param_count) +
                         " value(s) but the statement uses $" + std::to_string(used.highest));
  }
  return q;
}

void Catalog::load_dir(const std::filesystem::path& dir, const std::string& option, Specs& into) {
  if (!std::filesystem::is_directory(dir)) return;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".sql") continue;
    QuerySpec q = parse_query(read_input_file(entry.path(), "sql"), entry.path(), option);
    into.emplace(std::make_pair(option, q.name), std::move(q));
  }
}

Catalog Catalog::load_folders(
    const std::vector<std::tuple<std::string, std::filesystem::path, std::filesystem::path>>&
        folders,
    const std::filesystem::path& root) {
  Catalog catalog;
  for (const auto& [name, queries, writes] : folders) {
    catalog.options_.push_back(name);
    load_dir(queries, name, catalog.queries_);
    load_dir(writes, name, catalog.writes_);
  }
  std::sort(catalog.options_.begin(), catalog.options_.end());
  if (catalog.queries_.empty()) {
    throw InputError(SourceLoc{root.string(), 0, 0}, "queries",
                     "no query files (<option>/queries/<name>.sql) found");
  }
  return catalog;
}

Catalog Catalog::load(const std::vector<option::SchemaOption>& options) {
  std::vector<std::tuple<std::string, std::filesystem::path, std::filesystem::path>> folders;
  for (const auto& o : options) folders.emplace_back(o.name, o.queries_dir(), o.writes_dir());
  return load_folders(folders, options.empty() ? std::filesystem::path("options")
                                               : options.front().dir.parent_path());
}

Catalog Catalog::load(const std::filesystem::path& sql_dir) {
  const auto root = sql_dir / "options";
  std::vector<std::tuple<std::string, std::filesystem::path, std::filesystem::path>> folders;
  std::error_code ec;
  if (std::filesystem::is_directory(root, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(root)) {
      if (!e.is_directory()) continue;
      folders.emplace_back(e.path().filename().string(), e.path() / "queries", e.path() / "writes");
    }
  }
  return load_folders(folders, root);
}

const QuerySpec& Catalog::query(const std::string& option, const std::string& name) const {
  auto it = queries_.find({option, name});
  if (it == queries_.end()) {
    throw InputError("query", "no query '" + name + "' for option " + option +
                                  " (expected sql/options/" + option + "/queries/" + name +
                                  ".sql)");
  }
  return it->second;
}

std::set<std::string> Catalog::common(const Specs& specs, const std::vector<std::string>& options) {
  std::set<std::string> out;
  if (options.empty()) return out;
  for (const auto& name : names_of(specs, options.front())) {
    const bool everywhere = std::all_of(options.begin(), options.end(), [&](const auto& o) {
      return specs.count({o, name}) != 0;
    });
    if (everywhere) out.insert(name);
  }
  return out;
}

std::vector<std::string> Catalog::names_of(const Specs& specs, const std::string& option) {
  std::vector<std::string> out;
  for (const auto& [key, q] : specs) {
    if (key.first == option) out.push_back(key.second);
  }
  return out;
}

std::set<std::string> Catalog::common_names(const std::vector<std::string>& options) const {
  return common(queries_, options);
}

std::vector<std::string> Catalog::names(const std::string& option) const {
  return names_of(queries_, option);
}

const QuerySpec& Catalog::write(const std::string& option, const std::string& name) const {
  auto it = writes_.find({option, name});
  if (it == writes_.end()) {
    throw InputError("writer", "no write statement '" + name + "' for option " + option +
                                   " (expected sql/options/" + option + "/writes/" + name +
                                   ".sql)");
  }
  return it->second;
}

std::set<std::string> Catalog::common_write_names(const std::vector<std::string>& options) const {
  return common(writes_, options);
}

std::vector<std::string> Catalog::write_names(const std::string& option) const {
  return names_of(writes_, option);
}

std::string Catalog::write_sql(const std::string& option) const {
  const QuerySpec& q = write(option, std::string(kPriceStockWrite));
  // ParamGenerator::next_write draws exactly these, in this order.
  const std::vector<std::string> expected = {"write_id", "write_price", "write_stock"};
  if (q.generators != expected) {
    throw InputError(SourceLoc{q.file.string(), 1, 0}, "writer",
                     "update_price_stock must take '-- params: write_id write_price write_stock'");
  }
  return q.sql;
}

}  // namespace lg::workload
