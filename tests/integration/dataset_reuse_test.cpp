// Dataset reuse on an external database (issue 6, item 5): a second run keeps an intact
// dataset of the same (products, seed, schema) instead of regenerating it, and rebuilds when
// the key differs, --rebuild is given, the data was changed, or the last build did not finish.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/db/connection.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DatasetReuse : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lgtest-reuse-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    dsn_ = fresh_database("dataset_reuse");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a 1-second scenario over `options` (e.g. "\"A\", \"C\"") and returns its path.
  fs::path scenario(std::int64_t products, std::uint64_t seed, const std::string& options) {
    const fs::path file = dir_ / "s.toml";
    std::ofstream(file) << "name = \"reuse\"\n[dataset]\nproducts = " << products
                        << "\nseed = " << seed << "\n[database]\noptions = [" << options
                        << "]\n[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 1\n"
                           "stages = [{ duration = \"1s\", target = 1 }]\n";
    return file;
  }

  // Runs the scenario on the test database; returns summary.json, output into *out.
  json run(const fs::path& file, std::string* out, const std::vector<std::string>& extra = {}) {
    const fs::path results = dir_ / "results";
    fs::remove_all(results);
    std::vector<std::string> args{"run",       file.string(),   "--dsn",         dsn_,
                                  "--mark-db", "--results-dir", results.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    EXPECT_EQ(run_loadgate(args, out), 0) << *out;
    std::ifstream in(fs::directory_iterator(results)->path() / "summary.json");
    return json::parse(in);
  }

  void sql(const std::string& statement) {
    auto conn = db::Connection::open(dsn_);
    conn.exec(statement);
  }

  fs::path dir_;
  std::string dsn_;
};

bool reused(const json& summary, const char* option) {
  return summary["options"][option]["build"]["reused"].get<bool>();
}

TEST_F(DatasetReuse, SecondRunReusesTheIntactDatasetOfEveryOption) {
  const auto file = scenario(1500, 42, "\"A\", \"B\", \"C\"");
  std::string first_out, out;
  const json first = run(file, &first_out);
  for (const char* o : {"A", "B", "C"}) EXPECT_FALSE(reused(first, o)) << o;
  const json second = run(file, &out);
  for (const char* o : {"A", "B", "C"}) {
    EXPECT_TRUE(reused(second, o)) << o;
    EXPECT_EQ(second["options"][o]["build"]["total_s"].get<double>(), 0.0) << o;
    EXPECT_NE(out.find(std::string("option ") + o +
                       ": reusing dataset (1500 products, seed 42, "
                       "built 20"),
              std::string::npos)
        << out;
  }
  EXPECT_EQ(out.find("building option"), std::string::npos) << out;
  // The reused dataset is the same one: identical relation sizes.
  EXPECT_EQ(second["options"]["C"]["sizes"]["total_bytes"],
            first["options"]["C"]["sizes"]["total_bytes"]);
}

TEST_F(DatasetReuse, OtherSeedOtherSizeOrRebuildFlagRebuilds) {
  std::string out;
  run(scenario(1000, 42, "\"A\""), &out);
  EXPECT_FALSE(reused(run(scenario(1000, 7, "\"A\""), &out), "A"));
  EXPECT_NE(out.find("option A: rebuilding dataset: it has 1000 products, seed 42; wanted 1000, "
                     "seed 7"),
            std::string::npos)
      << out;
  EXPECT_FALSE(reused(run(scenario(1200, 7, "\"A\""), &out), "A"));
  EXPECT_NE(out.find("wanted 1200, seed 7"), std::string::npos) << out;
  EXPECT_FALSE(reused(run(scenario(1200, 7, "\"A\""), &out, {"--rebuild"}), "A"));
  EXPECT_NE(out.find("building option A: 1200 products, seed 7"), std::string::npos) << out;
  EXPECT_TRUE(reused(run(scenario(1200, 7, "\"A\""), &out), "A")) << out;
}

TEST_F(DatasetReuse, ChangedDataOrSchemaIsRebuiltWithTheReason) {
  const auto file = scenario(1000, 42, "\"A\", \"B\", \"C\"");
  std::string out;
  run(file, &out);
  // A row outside the sampled ids changed in place; a row deleted; an index of the view gone.
  sql("UPDATE loadgate_a.products SET stock = stock WHERE id = 77");
  sql("DELETE FROM loadgate_b.custom_posts WHERE id = 5");
  sql("DROP INDEX loadgate_c.mv_product_search_sku_key");
  const json summary = run(file, &out);
  for (const char* o : {"A", "B", "C"}) EXPECT_FALSE(reused(summary, o)) << o << out;
  EXPECT_NE(out.find("option A: rebuilding dataset: 1 rows of loadgate_a.products were inserted "
                     "or updated after the build"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("option B: rebuilding dataset: loadgate_b.custom_posts has 999 rows"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("option C: rebuilding dataset: its tables, views, indexes or triggers"),
            std::string::npos)
      << out;
  // The rebuilt datasets are intact again.
  const json again = run(file, &out);
  for (const char* o : {"A", "B", "C"}) EXPECT_TRUE(reused(again, o)) << o << out;
}

TEST_F(DatasetReuse, ABuildCutShortIsNeverReused) {
  std::string out;
  run(scenario(1000, 42, "\"A\""), &out);
  // Interrupt a bigger build of A mid-COPY: the earlier record must be gone with the data.
  LoadgateProcess process({"run", scenario(300'000, 42, "\"A\"").string(), "--dsn", dsn_,
                           "--results-dir", (dir_ / "cut").string()});
  ASSERT_TRUE(process.wait_for("option A: 50000 / 300000 rows", std::chrono::seconds(60)))
      << process.output();
  process.signal(SIGINT);
  EXPECT_NE(process.finish(), 0) << process.output();
  auto conn = db::Connection::open(dsn_);
  EXPECT_EQ(conn.query("SELECT 1 FROM loadgate_meta.dataset WHERE option = 'A'").rows(), 0);
  EXPECT_FALSE(reused(run(scenario(1000, 42, "\"A\""), &out), "A"));
  EXPECT_NE(out.find("building option A: 1000 products"), std::string::npos) << out;
}

}  // namespace
}  // namespace lg::test
