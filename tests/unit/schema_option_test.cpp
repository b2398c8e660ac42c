// An option as a folder (issue 15): option.toml is read into roles and files, and every mistake
// a user can make in it is one InputError naming option.toml, the line and the key.

#include "harness/option/schema_option.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/core/errors.hpp"

namespace lg::option {
namespace {

namespace fs = std::filesystem;

class OptionFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lg-option-XXXXXX").string();
    root_ = fs::path(mkdtemp(tmpl.data()));
  }
  void TearDown() override { fs::remove_all(root_); }

  // A folder `name` with the given manifest, a tables.sql, an indexes.sql and a queries/ folder.
  fs::path make(const std::string& name, const std::string& manifest) {
    const fs::path dir = root_ / name;
    fs::create_directories(dir / "queries");
    write(dir / "option.toml", manifest);
    write(dir / "tables.sql", "CREATE SCHEMA loadgate_x;\n");
    write(dir / "indexes.sql", "\n");
    return dir;
  }
  static void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }
  // The one line of the InputError that loading `dir` throws; "" when it loads.
  static std::string error_of(const fs::path& dir) {
    try {
      load_option(dir);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path root_;
};

constexpr const char* kTyped =
    "name = \"X\"\ndescription = \"a test option\"\nschema = \"loadgate_x\"\n"
    "[ddl]\ntables = [\"tables.sql\"]\nindexes = [\"indexes.sql\"]\n"
    "[dataset]\nformat = \"typed\"\nrelation = \"products\"\nbytes_per_product = 900\n"
    "[roles]\nwrite = \"products\"\n";

TEST_F(OptionFolder, ATypedOptionLoadsWithItsRolesQualifiedByItsSchema) {
  const fs::path dir = make("X", kTyped);
  const SchemaOption o = load_option(dir);
  EXPECT_EQ(o.name, "X");
  EXPECT_EQ(o.description, "a test option");
  EXPECT_EQ(o.schema, "loadgate_x");
  EXPECT_EQ(o.landing, Landing::kTyped);
  EXPECT_EQ(o.load_relation, "loadgate_x.products");
  EXPECT_EQ(o.bytes_per_product, 900);
  EXPECT_EQ(o.write_relation, "loadgate_x.products");
  EXPECT_EQ(o.read_relation, "loadgate_x.products");  // read defaults to write
  EXPECT_FALSE(o.view.has_value());
  EXPECT_FALSE(o.live.has_value());
  ASSERT_EQ(o.ddl_files().size(), 2u);
  EXPECT_EQ(o.ddl_files()[0], dir / "tables.sql");
  EXPECT_EQ(o.ddl_files()[1], dir / "indexes.sql");
  EXPECT_EQ(o.queries_dir(), dir / "queries");
}

TEST_F(OptionFolder, AViewAndItsStrategiesAreRoles) {
  const fs::path dir = make("V",
                            "schema = \"loadgate_v\"\n"
                            "[ddl]\ntables = [\"tables.sql\"]\nafter_load = [\"view.sql\"]\n"
                            "[dataset]\nformat = \"documents\"\nrelation = \"custom_posts\"\n"
                            "[roles]\nwrite = \"custom_posts\"\nread = \"mv\"\n"
                            "[view]\nrelation = \"mv\"\nrefresh_function = \"refresh_mv\"\n"
                            "refresh_log = \"mv_log\"\n"
                            "[strategies.debounced]\nqueue = \"q\"\nenqueue_trigger = \"q_trg\"\n"
                            "[strategies.trigger]\nlive_table = \"live\"\n"
                            "live_source = \"live_src\"\nsync_trigger = \"live_sync\"\n");
  write(dir / "view.sql", "\n");
  const SchemaOption o = load_option(dir);
  EXPECT_EQ(o.name, "V");  // the folder's name when the manifest gives none
  EXPECT_EQ(o.landing, Landing::kDocuments);
  EXPECT_EQ(o.read_relation, "loadgate_v.mv");
  ASSERT_TRUE(o.view.has_value());
  EXPECT_EQ(o.view->relation, "loadgate_v.mv");
  EXPECT_EQ(o.view->refresh_function, "loadgate_v.refresh_mv");
  EXPECT_EQ(o.view->refresh_log, "loadgate_v.mv_log");
  ASSERT_TRUE(o.debounced.has_value());
  EXPECT_EQ(o.debounced->queue, "loadgate_v.q");
  EXPECT_EQ(o.debounced->enqueue_trigger, "q_trg");  // a trigger is named on its table
  ASSERT_TRUE(o.live.has_value());
  EXPECT_EQ(o.live->table, "loadgate_v.live");
  EXPECT_EQ(o.live->sync_trigger, "live_sync");
  ASSERT_EQ(o.ddl_files().size(), 2u);
  EXPECT_EQ(o.ddl_files()[1], dir / "view.sql");
}

TEST_F(OptionFolder, ASchemaOutsideLoadgatesOwnIsRefusedWithItsLine) {
  std::string m = kTyped;
  m.replace(m.find("loadgate_x"), 10, "public");
  const std::string e = error_of(make("X", m));
  EXPECT_NE(e.find("option.toml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("schema"), std::string::npos) << e;
  EXPECT_NE(e.find("not an option schema"), std::string::npos) << e;
}

TEST_F(OptionFolder, LoadgateMetaIsNeverAnOptionsSchema) {
  std::string m = kTyped;
  m.replace(m.find("loadgate_x"), 10, "loadgate_meta");
  EXPECT_NE(error_of(make("X", m)).find("not an option schema"), std::string::npos);
}

TEST_F(OptionFolder, AMissingDdlFileIsNamedWithItsKey) {
  std::string m = kTyped;
  m.replace(m.find("indexes.sql"), 11, "nope.sql");
  const std::string e = error_of(make("X", m));
  EXPECT_NE(e.find("option.toml:6:"), std::string::npos) << e;
  EXPECT_NE(e.find("ddl.indexes[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("no such file"), std::string::npos) << e;
}

TEST_F(OptionFolder, AFileOutsideTheFolderIsRefused) {
  std::string m = kTyped;
  m.replace(m.find("\"indexes.sql\""), 13, "\"../other/indexes.sql\"");
  EXPECT_NE(error_of(make("X", m)).find("must be a file inside the option folder"),
            std::string::npos);
}

TEST_F(OptionFolder, ANameOtherThanTheFoldersIsRefused) {
  const std::string e = error_of(make("Y", kTyped));
  EXPECT_NE(e.find("option.toml:1:"), std::string::npos) << e;
  EXPECT_NE(e.find("differs from its folder"), std::string::npos) << e;
}

TEST_F(OptionFolder, ATypoInAKeyGetsDidYouMean) {
  std::string m = kTyped;
  m.replace(m.find("relation = \"products\""), 8, "relaton");
  const std::string e = error_of(make("X", m));
  EXPECT_NE(e.find("dataset.relaton"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean \"relation\""), std::string::npos) << e;
}

TEST_F(OptionFolder, AnUnknownFormatAndAQualifiedRelationAreRefused) {
  std::string m = kTyped;
  m.replace(m.find("\"typed\""), 7, "\"columnar\"");
  EXPECT_NE(error_of(make("X", m)).find("unknown format \"columnar\""), std::string::npos);
  std::string q = kTyped;
  q.replace(q.find("write = \"products\""), 18, "write = \"public.products\"");
  EXPECT_NE(error_of(make("X", q)).find("roles.write"), std::string::npos);
}

TEST_F(OptionFolder, StrategiesWithoutAViewAreRefused) {
  const std::string e =
      error_of(make("X", std::string(kTyped) + "[strategies.debounced]\nqueue = \"q\"\n"
                                               "enqueue_trigger = \"t\"\n"));
  EXPECT_NE(e.find("need a [view]"), std::string::npos) << e;
}

TEST_F(OptionFolder, AFolderWithoutQueriesIsRefused) {
  const fs::path dir = make("X", kTyped);
  fs::remove_all(dir / "queries");
  EXPECT_NE(error_of(dir).find("no queries folder"), std::string::npos);
}

TEST_F(OptionFolder, DiscoverListsEveryOptionFolderByNameAndRefusesTwoWithOneSchema) {
  make("X", kTyped);
  std::string y = kTyped;
  y.replace(y.find("name = \"X\""), 10, "name = \"Y\"");
  y.replace(y.find("loadgate_x"), 10, "loadgate_y");
  make("Y", y);
  fs::create_directories(root_ / "not-an-option");  // no option.toml: not an option
  const auto all = discover({root_});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "X");
  EXPECT_EQ(all[1].name, "Y");
  EXPECT_NE(find(all, "Y"), nullptr);
  EXPECT_EQ(find(all, "Z"), nullptr);

  std::string z = kTyped;
  z.replace(z.find("name = \"X\""), 10, "name = \"Z\"");  // Z reuses loadgate_x
  make("Z", z);
  try {
    discover({root_});
    FAIL() << "two options on one schema were accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("used by two options"), std::string::npos) << e.what();
  }
}

TEST_F(OptionFolder, TheShippedOptionsLoad) {
  const auto all = discover({fs::path(LOADGATE_SOURCE_DIR) / "sql" / "options"});
  ASSERT_GE(all.size(), 3u);
  const SchemaOption* c = find(all, "C");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->view.has_value());
  EXPECT_EQ(c->view->relation, "loadgate_c.mv_product_search");
  EXPECT_TRUE(c->live.has_value());
  EXPECT_TRUE(c->debounced.has_value());
  const SchemaOption* a = find(all, "A");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->view.has_value());
  EXPECT_EQ(a->read_relation, "loadgate_a.products");
}

// The SQL of a file without its comment lines, schema `from` written as `to`.
std::string statements(const fs::path& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("--", 0) == 0) continue;
    for (auto at = line.find(from); at != std::string::npos; at = line.find(from, at + to.size())) {
      line.replace(at, from.size(), to);
    }
    out += line + "\n";
  }
  return out;
}

// C's write side is B's, in loadgate_c, so that the write mix costs the same on both: the two
// copies must not drift apart.
TEST(ShippedOptions, OptionCsWriteSideIsOptionBsInItsOwnSchema) {
  const fs::path options = fs::path(LOADGATE_SOURCE_DIR) / "sql" / "options";
  for (const char* file : {"tables.sql", "indexes.sql"}) {
    const std::string b = statements(options / "B" / file, "loadgate_b", "loadgate_c");
    const std::string c = statements(options / "C" / file, "loadgate_b", "loadgate_c");
    EXPECT_FALSE(b.empty());
    EXPECT_EQ(b, c) << file << " of options B and C differ beyond the schema name";
  }
}

}  // namespace
}  // namespace lg::option
