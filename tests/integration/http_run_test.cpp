// An HTTP run end to end: loadgate starts catalog-api on option C, steps the view rollout per
// stage, makes the view unavailable mid-run and restores it; the run must see no failed request,
// a fallback series of its own, and thresholds evaluated on the HTTP metrics.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/db/connection.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kScenario = R"(name = "http-rollout"
[dataset]
products = 2000
[database]
options = ["C"]
[workload.requests.by_category]
path = "/api/products?categoryId={category}&page={page}"
weight = 3
[workload.requests.product]
path = "/api/products/{slug}"
weight = 1
[http]
catalog_api = true
mv_rollout_percent = 0
api_pool = 4
[executor]
type = "ramping-arrival-rate"
start_rate = 40
pre_allocated_vus = 4
max_vus = 16
stages = [
  { duration = "3s", target = 40, name = "mv-0", mv_rollout_percent = 0 },
  { duration = "6s", target = 40, name = "mv-100", mv_rollout_percent = 100 },
]
[refresher]
interval = "4s"
[[faults]]
action = "view_unavailable"
at = "5s"
duration = "2s"
[thresholds]
"http_req_failed" = ["rate==0"]
"http_reqs{read_source:fallback}" = ["count>0"]
"http_req_duration{stage:mv-100}" = ["p(95)<1000"]
)";

#ifdef CATALOG_API_BINARY
TEST(HttpRun, RolloutWithAViewOutageFallsBackWithoutAFailedRequest) {
  const std::string dsn = fresh_database("http_run");
  const fs::path dir = make_temp_dir("http");
  std::ofstream(dir / "s.toml") << kScenario;
  std::string out;
  const int code = run_loadgate({"run", (dir / "s.toml").string(), "--dsn", dsn, "--mark-db",
                                 "--results-dir", (dir / "results").string()},
                                &out);
  ASSERT_EQ(code, 0) << out;
  std::ifstream in(fs::directory_iterator(dir / "results")->path() / "summary.json");
  const json summary = json::parse(in);
  const json& c = summary["options"]["C"];
  const json& listing = c["requests"]["by_category"];
  EXPECT_EQ(listing["all"]["errors"].get<int>(), 0) << listing.dump();
  // Stage mv-0 reads only the document table; mv-100 reads the view, and the fault's listing
  // reads fell back.
  ASSERT_TRUE(listing.contains("read_sources")) << listing.dump();
  const json& sources = listing["read_sources"];
  EXPECT_GT(sources["custom_posts"]["count"].get<int>(), 0) << sources.dump();
  EXPECT_GT(sources["mv"]["count"].get<int>(), 0) << sources.dump();
  EXPECT_GT(sources["fallback"]["count"].get<int>(), 0) << sources.dump();
  // Single-product reads always come from the write table.
  EXPECT_FALSE(c["requests"]["product"]["read_sources"].contains("mv"));
  std::vector<std::string> steps;
  for (const auto& s : c["steps"]) {
    EXPECT_TRUE(s["ok"].get<bool>()) << s.dump();
    steps.push_back(s["what"]);
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"mv_rollout_percent=0", "mv_rollout_percent=100",
                                             "view_unavailable begin", "view_unavailable end"}));
  for (const auto& t : summary["thresholds"]) EXPECT_TRUE(t["passed"].get<bool>()) << t.dump();
  // The fault was undone: the view is back under its name.
  auto conn = db::Connection::open(dsn);
  EXPECT_EQ(conn.query("SELECT to_regclass('loadgate_c.mv_product_search') IS NOT NULL").get(0, 0),
            "t");
  fs::remove_all(dir);
}
#endif

}  // namespace
}  // namespace lg::test
