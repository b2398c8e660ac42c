// docs/extending.md's "Add a schema option", followed literally by a user who has only the built
// loadgate binary: copy option A into a folder of their own, rename its schema, drop its
// category index, give it a query of its own, then `verify` it beside A and run it. No rebuild
// of loadgate, no change under sql/.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "harness/db/connection.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Step 1 and 2 of the recipe: cp -r A A_nocat; sed loadgate_a -> loadgate_a_nocat; delete the
// category index from indexes.sql. Plus a query only this option has.
fs::path write_option(const fs::path& options) {
  const fs::path dir = options / "A_nocat";
  fs::create_directories(options);
  fs::copy(fs::path(LOADGATE_SOURCE_DIR) / "sql" / "options" / "A", dir,
           fs::copy_options::recursive);
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string text = read_text(e.path());
    std::ofstream(e.path()) << std::regex_replace(text, std::regex("loadgate_a\\b"),
                                                  "loadgate_a_nocat");
  }
  const std::string indexes = read_text(dir / "indexes.sql");
  const std::string without = std::regex_replace(
      indexes, std::regex("CREATE INDEX products_category_listing_idx[^;]*;"), "");
  EXPECT_NE(without, indexes) << "the recipe's category index is gone from option A";
  std::ofstream(dir / "indexes.sql") << without;
  std::ofstream(dir / "queries" / "newest_in_category.sql")
      << "-- params: category\n"
         "-- A query of this option alone: verify runs it and compares it with nobody.\n"
         "SELECT id FROM loadgate_a_nocat.products WHERE category_id = $1\n"
         "ORDER BY created_at DESC, id DESC LIMIT 1;\n";
  return dir;
}

TEST(OptionRecipe, AnOptionFolderOutsideTheRepositoryVerifiesAndRuns) {
  const std::string dsn = fresh_database("option_recipe");
  const fs::path dir = make_temp_dir("recipe");
  write_option(dir / "my-options");

  // Step 3: verify it beside A, from its own folder (--options-dir).
  std::string out;
  int code = run_loadgate(
      {"verify", "--dsn", dsn, "--mark-db", "--rebuild", "--products", "1000", "--options-dir",
       (dir / "my-options").string(), "--options", "A,A_nocat", "--param-sets", "10"},
      &out);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("verify: OK"), std::string::npos) << out;
  EXPECT_NE(out.find("category_page: "), std::string::npos) << out;
  EXPECT_NE(out.find("(A, A_nocat)"), std::string::npos) << out;
  EXPECT_NE(out.find("newest_in_category: "), std::string::npos) << out;
  EXPECT_NE(out.find("(A_nocat only: ran, compared with nobody)"), std::string::npos) << out;
  {
    auto conn = db::Connection::open(dsn);
    EXPECT_EQ(conn.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'loadgate_a_nocat' "
                          "AND indexname = 'products_category_listing_idx'"),
              "0");
    EXPECT_EQ(conn.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'loadgate_a' "
                          "AND indexname = 'products_category_listing_idx'"),
              "1");
    EXPECT_EQ(conn.scalar("SELECT count(*) FROM loadgate_a_nocat.products"), "1000");
  }

  // A query of its own that does not run fails verify, though it is compared with nobody.
  std::ofstream(dir / "my-options" / "A_nocat" / "queries" / "broken.sql")
      << "-- params: category\nSELECT no_such_column FROM loadgate_a_nocat.products "
         "WHERE category_id = $1;\n";
  code =
      run_loadgate({"verify", "--dsn", dsn, "--mark-db", "--products", "1000", "--options-dir",
                    (dir / "my-options").string(), "--options", "A,A_nocat", "--param-sets", "10"},
                   &out);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("no_such_column"), std::string::npos) << out;
  fs::remove(dir / "my-options" / "A_nocat" / "queries" / "broken.sql");

  // Step 4: name it in a scenario that names its folder (relative to the scenario) and run it.
  const std::string scenario =
      "name = \"recipe\"\n[dataset]\nproducts = 1000\nseed = 42\n"
      "[database]\noptions = [\"A\", \"A_nocat\"]\noptions_dirs = [\"my-options\"]\n"
      "[workload.mix]\ncategory_page = 1\nsku_lookup = 1\n"
      "[executor]\ntype = \"ramping-vus\"\nwarmup = \"200ms\"\nstart_vus = 2\n"
      "stages = [{ duration = \"1s\", target = 2 }]\n"
      "[thresholds]\n\"sql_failed\" = [\"rate<0.01\"]\n";
  const auto summary = run_scenario_summary(dsn, dir, scenario);
  for (const char* option : {"A", "A_nocat"}) {
    const auto& q = summary["options"][option]["queries"]["category_page"];
    EXPECT_GT(q["all"]["count"].get<std::int64_t>(), 0) << option << ": " << summary.dump();
  }
  EXPECT_EQ(summary["verdict"], "pass");
}

}  // namespace
}  // namespace lg::test
