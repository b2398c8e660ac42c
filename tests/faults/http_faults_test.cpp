// Faults of the HTTP system under test: catalog-api dies under a run. The run must notice within
// an interval, stop, write its results marked incomplete and name how the server died — not
// finish "complete" with a wall of failed requests and nobody saying why.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "tests/faults/fault_util.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The pid of `parent`'s child named `name` (from /proc/<pid>/stat), or -1.
int child_named(int parent, const std::string& name) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    int ppid = -1;
    rest >> state >> ppid;
    if (ppid == parent && line.substr(open + 1, close - open - 1) == name) {
      return std::stoi(e.path().filename().string());
    }
  }
  return -1;
}

TEST(HttpFaults, CatalogApiKilledMidRunStopsTheRunAndNamesHowItDied) {
  const std::string dsn = fresh_database("faults_api");
  const fs::path dir = make_temp_dir("api");
  std::ofstream(dir / "s.toml") << R"(name = "api-killed"
[dataset]
products = 1000
[database]
options = ["C"]
[workload.requests.by_category]
path = "/api/products?categoryId={category}&page={page}"
[http]
catalog_api = true
api_pool = 4
[executor]
type = "constant-arrival-rate"
rate = 50
duration = "30s"
pre_allocated_vus = 4
[thresholds]
"http_req_duration" = ["p(95)<1000"]
)";
  LoadgateProcess run({"run", (dir / "s.toml").string(), "--dsn", dsn, "--mark-db", "--results-dir",
                       (dir / "results").string()});
  ASSERT_TRUE(run.wait_for("measuring option C", std::chrono::seconds(120))) << run.output();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int api = child_named(run.pid(), "catalog-api");
  ASSERT_GT(api, 0) << "catalog-api is not a child of loadgate";
  const auto killed = Clock::now();
  ASSERT_EQ(::kill(api, SIGKILL), 0);
  EXPECT_EQ(run.finish(), 3) << run.output();
  // Seen at the next interval's end, then the graceful stop (5 s) at the most.
  const double stopped_after = seconds_since(killed);
  EXPECT_LT(stopped_after, 12.0);
  EXPECT_NE(run.output().find("catalog-api was killed by signal 9"), std::string::npos)
      << run.output();
  EXPECT_EQ(run.output().find("all thresholds held"), std::string::npos) << run.output();
  fs::path folder;
  for (const auto& e : fs::directory_iterator(dir / "results")) folder = e.path();
  std::ifstream in(folder / "summary.json");
  const json s = json::parse(in);
  EXPECT_FALSE(s["run"]["complete"].get<bool>());
  EXPECT_EQ(s["verdict"], "incomplete");
  EXPECT_NE(s["run"]["incomplete_reason"].get<std::string>().find("catalog-api"),
            std::string::npos);
  EXPECT_EQ(s["options"]["C"]["health"]["target_exit"], "catalog-api was killed by signal 9");
  bool broken = false;
  for (const auto& i : s["invariants"]) {
    if (i["name"] == "target_exit") broken = !i["passed"].get<bool>();
  }
  EXPECT_TRUE(broken) << s["invariants"].dump();
  EXPECT_TRUE(fs::exists(folder / "junit.xml"));
  std::cout << "catalog-api killed: exit 3 after " << stopped_after << " s, errors by class "
            << s["options"]["C"]["health"]["errors_by_class"].dump() << "\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
