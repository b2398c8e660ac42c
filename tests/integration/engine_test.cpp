// The event-driven engine at the user populations the seed plans use, against a real
// PostgreSQL: every recorded sample is a statement the server ran (pg_stat_statements) at 16,
// 256 and 1,000 VUs; a run ends at its planned end plus graceful_stop at 1,000 VUs even when
// every VU is stuck behind a lock; a journey's iteration is its steps plus its think time,
// which is never latency.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/db/cluster.hpp"
#include "harness/db/connection.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kLockKey = 4343;

// A cluster of its own: the fixture's allows 64 connections, these tests open 1,000, and
// counting statements needs pg_stat_statements preloaded.
class EngineAtScale : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db::ClusterOptions o;
    o.max_connections = 1100;
    o.settings = {{"shared_preload_libraries", "pg_stat_statements"},
                  {"pg_stat_statements.max", "1000"}};
    cluster_ = db::EmbeddedCluster::start(o).release();
    auto conn = db::Connection::open(cluster_->dsn());
    conn.exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }
  static void TearDownTestSuite() {
    if (cluster_ != nullptr) cluster_->stop();
    delete cluster_;
    cluster_ = nullptr;
  }

  // sql/ plus `gate`, a query that waits while the test holds an advisory lock.
  static fs::path sql_dir(const fs::path& dir) {
    fs::copy(fs::path(LOADGATE_SOURCE_DIR) / "sql", dir / "sql", fs::copy_options::recursive);
    for (const char* option : {"A", "B", "C"}) {
      std::ofstream(dir / "sql" / "options" / option / "queries" / "gate.sql")
          << "-- params:\nSELECT pg_advisory_xact_lock_shared(" << kLockKey << ");\n";
    }
    return dir / "sql";
  }

  static json run(const fs::path& dir, const std::string& scenario, int expect_code = 0) {
    std::ofstream(dir / "s.toml") << scenario;
    fs::remove_all(dir / "results");
    std::string out;
    EXPECT_EQ(run_loadgate({"run", (dir / "s.toml").string(), "--dsn", cluster_->dsn(), "--mark-db",
                            "--sql-dir", (dir / "sql").string(), "--results-dir",
                            (dir / "results").string()},
                           &out),
              expect_code)
        << out;
    std::ifstream in(fs::directory_iterator(dir / "results")->path() / "summary.json");
    return json::parse(in);
  }

  static inline db::EmbeddedCluster* cluster_ = nullptr;
};

std::string closed_scenario(int vus, const std::string& mix, const std::string& extra = "") {
  return "name = \"scale\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
         "[workload.mix]\n" +
         mix + " = 1\n[executor]\ntype = \"ramping-vus\"\nstart_vus = " + std::to_string(vus) +
         "\nstages = [{ duration = \"3s\", target = " + std::to_string(vus) + " }]\n" + extra;
}

// What the server executed of the sku lookup (its prepared text; EXPLAIN excluded).
std::int64_t server_calls(db::Connection& conn) {
  return std::stoll(conn.scalar("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                                "WHERE query LIKE '%FROM loadgate_a.products%WHERE sku = $1%' "
                                "AND query NOT ILIKE '%explain%'")
                        .value_or("-1"));
}

TEST_F(EngineAtScale, EverySampleIsAStatementTheServerRanAt16And256And1000Vus) {
  const fs::path dir = make_temp_dir("scale");
  sql_dir(dir);
  auto conn = db::Connection::open(cluster_->dsn());
  for (int vus : {16, 256, 1000}) {
    SCOPED_TRACE(std::to_string(vus) + " VUs");
    conn.exec("SELECT pg_stat_statements_reset()");
    // A 2-core server holding 1,000 busy backends answers in seconds: the graceful stop lets
    // every statement in flight finish, so that none is run but not recorded.
    const json s = run(dir, closed_scenario(vus, "sku_lookup", "graceful_stop = \"60s\"\n"));
    const json& a = s["options"]["A"];
    const json& all = a["queries"]["sku_lookup"]["all"];
    std::cout << vus << " VUs: " << all["count"] << " samples, " << all["throughput_per_s"]
              << "/s, p99 " << all["p99_ms"] << " ms\n";
    EXPECT_EQ(all["errors"].get<std::int64_t>(), 0);
    EXPECT_EQ(a["interrupted_iterations"].get<int>(), 0);
    EXPECT_GE(all["count"].get<std::int64_t>(), vus);  // every VU finished its first
    EXPECT_EQ(all["count"].get<std::int64_t>(), server_calls(conn));
  }
  fs::remove_all(dir);
}

TEST_F(EngineAtScale, ARunStuckBehindALockEndsAtItsPlannedEndPlusGracefulStopAt1000Vus) {
  const fs::path dir = make_temp_dir("stuck");
  sql_dir(dir);
  auto locker = db::Connection::open(cluster_->dsn());
  locker.exec("SELECT pg_advisory_lock(" + std::to_string(kLockKey) + ")");
  const json s = run(dir, closed_scenario(1000, "gate", "graceful_stop = \"1s\"\n"));
  const json& a = s["options"]["A"];
  // Every VU was stuck in its first statement: all interrupted, none recorded as a sample.
  EXPECT_EQ(a["interrupted_iterations"].get<int>(), 1000) << a.dump();
  EXPECT_FALSE(a["queries"].contains("gate")) << a["queries"].dump();
  // The measured part ended at 3 s + 1 s of graceful stop (plus the collector's wake-up and
  // the abandon itself), although not one statement finished.
  std::cout << "1,000 VUs stuck behind a lock: measured part " << a["duration"]["measured_s"]
            << " s for 3 s of stages and 1 s of graceful stop\n";
  EXPECT_EQ(a["duration"]["stop_reason"], "end of stages");
  EXPECT_GE(a["duration"]["measured_s"].get<double>(), 3.9);
  EXPECT_LE(a["duration"]["measured_s"].get<double>(), 4.5);
  // The abandoned backends went away although the lock is still held: none waits for it.
  std::int64_t waiting = -1;
  for (int i = 0; i < 50 && waiting != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    waiting = std::stoll(locker
                             .scalar("SELECT count(*) FROM pg_stat_activity WHERE "
                                     "application_name = 'loadgate-vu'")
                             .value_or("-1"));
  }
  EXPECT_EQ(waiting, 0);
  locker.exec("SELECT pg_advisory_unlock(" + std::to_string(kLockKey) + ")");
  fs::remove_all(dir);
}

// Two steps, each followed by a think time: 200 ms, then 100 ms.
const std::string kJourney =
    "[workload.journeys.browse]\nsteps = [\n"
    "  { query = \"sku_lookup\", think = \"200ms\", checks = { max_duration = \"500ms\" } },\n"
    "  { query = \"category_page\", think = \"100ms\" },\n]\n";

TEST_F(EngineAtScale, AJourneyIsItsStepsPlusThinkTimeAndThinkTimeIsNeverLatency) {
  const fs::path dir = make_temp_dir("journey");
  sql_dir(dir);
  const json s = run(dir,
                     "name = \"journey\"\n[dataset]\nproducts = 1000\n[database]\noptions = "
                     "[\"A\"]\n" +
                         kJourney +
                         "[executor]\ntype = \"ramping-vus\"\nstart_vus = 4\nstages = [{ "
                         "duration = \"3s\", target = 4 }]\n[thresholds]\n\"checks\" = "
                         "[\"rate>0.99\"]\n\"iterations\" = [\"count>20\"]\n");
  const json& a = s["options"]["A"];
  const json& it = a["journeys"]["browse"]["iteration_duration"];
  const json& sku = a["queries"]["sku_lookup"]["all"];
  const json& page = a["queries"]["category_page"]["all"];
  // Each iteration ran both steps once: 4 VUs x ~3 s / ~0.3 s.
  EXPECT_EQ(a["journeys"]["browse"]["iterations"].get<std::int64_t>(),
            page["count"].get<std::int64_t>());
  EXPECT_EQ(sku["count"].get<std::int64_t>(), page["count"].get<std::int64_t>());
  EXPECT_GE(page["count"].get<std::int64_t>(), 32);
  EXPECT_LE(page["count"].get<std::int64_t>(), 48);
  // The iteration lasts the think times plus the two statements; the statements don't carry
  // the think time.
  EXPECT_GE(it["min_ms"].get<double>(), 300.0);
  EXPECT_NEAR(it["p50_ms"].get<double>(),
              300.0 + sku["p50_ms"].get<double>() + page["p50_ms"].get<double>(), 20.0);
  EXPECT_LT(sku["p99_ms"].get<double>(), 100.0);
  EXPECT_LT(page["p99_ms"].get<double>(), 100.0);
  EXPECT_EQ(a["checks"]["failed"].get<std::int64_t>(), 0);
  EXPECT_EQ(a["checks"]["passed"].get<std::int64_t>(), sku["count"].get<std::int64_t>());
  EXPECT_EQ(s["verdict"], "pass");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
