#include "harness/option/schema_option.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <system_error>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/core/toml_reader.hpp"
#include "harness/db/guard.hpp"

namespace lg::option {
namespace fs = std::filesystem;
using namespace lg::toml_reader;

namespace {

// Option names become tags, folder names and results keys: short, no spaces or punctuation.
const std::regex kName("[A-Za-z][A-Za-z0-9_]{0,31}");
// Unquoted PostgreSQL identifiers, as the DDL files write them.
const std::regex kIdentifier("[a-z_][a-z0-9_]{0,62}");

// An optional string key, "" when absent.
std::string text(const Reader& r, const toml::table& t, std::string_view key,
                 const std::string& path) {
  const toml::node* n = t.get(key);
  return n ? r.string(*n, join(path, key)) : std::string();
}

// A required (or, with `required` false, optional) unqualified identifier inside the schema,
// returned schema-qualified; "" when optional and absent.
std::string relation(const Reader& r, const toml::table& t, std::string_view key,
                     const std::string& path, const std::string& schema, bool required = true) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) r.fail(t.source(), join(path, key), "required key is missing");
    return "";
  }
  const std::string name = r.string(*n, join(path, key));
  if (!std::regex_match(name, kIdentifier)) {
    r.fail(n->source(), join(path, key),
           "\"" + name + "\" is not a lowercase identifier (the name inside schema " + schema +
               ", unqualified)");
  }
  return schema.empty() ? name : schema + "." + name;
}

// A list of this folder's files: each must exist, and stay inside the folder (an option is a
// folder a user can copy whole).
std::vector<fs::path> files(const Reader& r, const toml::table& t, std::string_view key,
                            const std::string& path, const fs::path& dir) {
  std::vector<fs::path> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const auto* arr = n->as_array();
  if (arr == nullptr) r.wrong_type(*n, join(path, key), "an array of file names");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::node& e = *arr->get(i);
    const std::string field = indexed(join(path, key), i);
    const fs::path rel = r.string(e, field);
    if (rel.empty() || rel.is_absolute() ||
        std::any_of(rel.begin(), rel.end(), [](const fs::path& p) { return p == ".."; })) {
      r.fail(e.source(), field, "\"" + rel.string() + "\" must be a file inside the option folder");
    }
    std::error_code ec;
    if (!fs::is_regular_file(dir / rel, ec)) {
      r.fail(e.source(), field, "no such file: " + (dir / rel).string());
    }
    out.push_back(dir / rel);
  }
  return out;
}

void read_ddl(const Reader& r, const toml::table& root, SchemaOption& o) {
  const toml::node* n = root.get("ddl");
  if (n == nullptr) r.fail(root.source(), "ddl", "required section is missing ([ddl] tables)");
  const toml::table& t = r.table(*n, "ddl");
  r.check_keys(t, "ddl", {"tables", "indexes", "after_load"});
  if (t.get("tables") == nullptr) r.fail(t.source(), "ddl.tables", "required key is missing");
  o.tables = files(r, t, "tables", "ddl", o.dir);
  if (o.tables.empty()) {
    r.fail(t.get("tables")->source(), "ddl.tables", "names no file: the option has no tables");
  }
  o.indexes = files(r, t, "indexes", "ddl", o.dir);
  o.after_load = files(r, t, "after_load", "ddl", o.dir);
}

void read_dataset(const Reader& r, const toml::table& root, SchemaOption& o) {
  const toml::node* n = root.get("dataset");
  if (n == nullptr) r.fail(root.source(), "dataset", "required section is missing");
  const toml::table& t = r.table(*n, "dataset");
  r.check_keys(t, "dataset", {"format", "relation", "bytes_per_product"});
  const toml::node& format = r.required(t, "format", "dataset");
  const std::string f = r.string(format, "dataset.format");
  if (f == "typed") {
    o.landing = Landing::kTyped;
  } else if (f == "documents") {
    o.landing = Landing::kDocuments;
  } else {
    r.fail(format.source(), "dataset.format",
           "unknown format \"" + f + "\"; expected \"typed\" or \"documents\"");
  }
  o.load_relation = relation(r, t, "relation", "dataset", o.schema);
  if (const toml::node* b = t.get("bytes_per_product")) {
    o.bytes_per_product = r.integer(*b, "dataset.bytes_per_product", 1, 1'000'000);
  }
}

void read_roles(const Reader& r, const toml::table& root, SchemaOption& o) {
  const toml::node* n = root.get("roles");
  if (n == nullptr) r.fail(root.source(), "roles", "required section is missing ([roles] write)");
  const toml::table& t = r.table(*n, "roles");
  r.check_keys(t, "roles", {"write", "read"});
  o.write_relation = relation(r, t, "write", "roles", o.schema);
  o.read_relation = relation(r, t, "read", "roles", o.schema, /*required=*/false);
  if (o.read_relation.empty()) o.read_relation = o.write_relation;
}

void read_view(const Reader& r, const toml::table& root, SchemaOption& o) {
  section(r, root, "view", [&](const toml::table& t) {
    r.check_keys(t, "view", {"relation", "refresh_function", "refresh_log"});
    o.view = ViewRole{relation(r, t, "relation", "view", o.schema),
                      relation(r, t, "refresh_function", "view", o.schema),
                      relation(r, t, "refresh_log", "view", o.schema)};
  });
}

void read_strategies(const Reader& r, const toml::table& root, SchemaOption& o) {
  section(r, root, "strategies", [&](const toml::table& t) {
    r.check_keys(t, "strategies", {"debounced", "trigger"});
    // Both strategies keep a view's readers current in their own way: without a view they
    // have nothing to do.
    if (!o.view) {
      r.fail(t.source(), "strategies", "refresh strategies need a [view] to refresh");
    }
    section(r, t, "debounced", [&](const toml::table& d) {
      r.check_keys(d, "strategies.debounced", {"queue", "enqueue_trigger"});
      o.debounced = DebouncedRole{relation(r, d, "queue", "strategies.debounced", o.schema),
                                  relation(r, d, "enqueue_trigger", "strategies.debounced", "")};
    });
    section(r, t, "trigger", [&](const toml::table& l) {
      r.check_keys(l, "strategies.trigger", {"live_table", "live_source", "sync_trigger"});
      o.live = LiveRole{relation(r, l, "live_table", "strategies.trigger", o.schema),
                        relation(r, l, "live_source", "strategies.trigger", o.schema),
                        relation(r, l, "sync_trigger", "strategies.trigger", "")};
    });
  });
}

}  // namespace

std::vector<fs::path> SchemaOption::ddl_files() const {
  std::vector<fs::path> all = tables;
  all.insert(all.end(), indexes.begin(), indexes.end());
  all.insert(all.end(), after_load.begin(), after_load.end());
  return all;
}

SchemaOption load_option(const fs::path& dir) {
  SchemaOption o;
  o.dir = dir;
  o.manifest = dir / "option.toml";
  const std::string file = o.manifest.string();
  const toml::table root = parse_toml(read_input_file(o.manifest, "option"), file);
  const Reader r(file);
  r.check_keys(root, "",
               {"name", "description", "schema", "ddl", "dataset", "roles", "view", "strategies"});
  const std::string folder = dir.filename().string();
  o.name = folder;
  if (const toml::node* n = root.get("name")) {
    o.name = r.string(*n, "name");
    if (o.name != folder) {
      r.fail(n->source(), "name",
             "\"" + o.name + "\" differs from its folder's name \"" + folder +
                 "\": an option is named by its folder");
    }
  }
  if (!std::regex_match(o.name, kName)) {
    throw InputError(SourceLoc{file, 1, 1}, "name",
                     "option name \"" + o.name +
                         "\" must be a letter then up to 31 letters, digits or underscores");
  }
  o.description = text(r, root, "description", "");
  const toml::node& schema = r.required(root, "schema", "");
  o.schema = r.string(schema, "schema");
  // The safety guard only ever creates or drops loadgate_* schemas; loadgate_meta is its own.
  if (!db::is_option_schema(o.schema)) {
    r.fail(schema.source(), "schema",
           "\"" + o.schema +
               "\" is not an option schema: loadgate only creates and drops schemas named "
               "loadgate_<lowercase letters, digits, _> (loadgate_meta is its own)");
  }
  read_ddl(r, root, o);
  read_dataset(r, root, o);
  read_roles(r, root, o);
  read_view(r, root, o);
  read_strategies(r, root, o);
  std::error_code ec;
  if (!fs::is_directory(o.queries_dir(), ec)) {
    throw InputError(SourceLoc{file, 0, 0}, "queries",
                     "the option has no queries folder " + o.queries_dir().string());
  }
  return o;
}

std::vector<SchemaOption> discover(const std::vector<fs::path>& roots) {
  std::vector<SchemaOption> out;
  std::map<std::string, fs::path> by_name, by_schema;
  for (const auto& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      throw InputError("options", "no such options folder: " + root.string());
    }
    std::vector<fs::path> dirs;
    // A root may be one option itself (--options-dir ~/my-option) or a folder of options.
    if (fs::exists(root / "option.toml")) {
      dirs.push_back(root);
    } else {
      for (const auto& e : fs::directory_iterator(root)) {
        if (e.is_directory() && fs::exists(e.path() / "option.toml")) dirs.push_back(e.path());
      }
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      SchemaOption o = load_option(d);
      const std::string file = o.manifest.string();
      if (const auto [at, fresh] = by_name.emplace(o.name, d); !fresh) {
        throw InputError(SourceLoc{file, 1, 1}, "name",
                         "option " + o.name + " is defined twice: " + at->second.string() +
                             " and " + d.string());
      }
      if (const auto [at, fresh] = by_schema.emplace(o.schema, d); !fresh) {
        throw InputError(SourceLoc{file, 1, 1}, "schema",
                         "schema " + o.schema + " is used by two options: " + at->second.string() +
                             " and " + d.string());
      }
      out.push_back(std::move(o));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const SchemaOption& a, const SchemaOption& b) { return a.name < b.name; });
  return out;
}

const SchemaOption* find(const std::vector<SchemaOption>& options, const std::string& name) {
  for (const auto& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::string list_names(const std::vector<SchemaOption>& options) {
  std::string out;
  for (const auto& o : options) out += (out.empty() ? "" : ", ") + o.name;
  return out.empty() ? "(none)" : out;
}

std::vector<SchemaOption> select(const std::vector<SchemaOption>& options,
                                 const std::vector<std::string>& names, const std::string& field) {
  std::vector<SchemaOption> out;
  for (const auto& name : names) {
    const SchemaOption* o = find(options, name);
    if (o == nullptr) {
      throw InputError(
          field, "unknown option \"" + name + "\"; options that exist: " + list_names(options));
    }
    out.push_back(*o);
  }
  return out;
}

}  // namespace lg::option
