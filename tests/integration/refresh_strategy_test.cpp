// Refresh strategies on a real PostgreSQL: each refreshes when it should, and a refresh that
// fails (the view's unique indexes dropped, so CONCURRENTLY cannot run) is retried with
// backoff, counted and reported while the run goes on.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/db/connection.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string scenario(const std::string& refresher, const std::string& writer) {
  return "name = \"refresh\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"C\"]\n"
         "[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 1\n"
         "stages = [{ duration = \"6s\", target = 1 }]\n[refresher]\n" +
         refresher + writer;
}

TEST(RefreshStrategy, ContinuousRefreshesBackToBackIntervalOnSchedule) {
  const std::string dsn = fresh_database("refresh_strategies");
  const fs::path dir = make_temp_dir("refresh");
  const json interval =
      run_scenario_summary(dsn, dir, scenario("strategy = \"interval\"\ninterval = \"2s\"\n", ""));
  // t = 0, 2, 4 s within 6 s (a fourth may start at the very end).
  const auto n_interval = interval["options"]["C"]["refreshes"].size();
  EXPECT_GE(n_interval, 3u);
  EXPECT_LE(n_interval, 4u);
  // Each refresh's own cost, read from its backend's /proc entry (the fixture server is local).
  double cpu_s = 0;
  for (const auto& e : interval["options"]["C"]["refreshes"]) {
    ASSERT_TRUE(e["cpu_s"].is_number()) << e.dump();
    cpu_s += e["cpu_s"].get<double>();
    EXPECT_GT(e["view_bytes_before"].get<std::int64_t>(), 100'000) << e.dump();
    EXPECT_GT(e["view_bytes_after"].get<std::int64_t>(), 100'000) << e.dump();
    EXPECT_TRUE(e["read_bytes"].is_number()) << e.dump();
  }
  EXPECT_GT(cpu_s, 0);  // a concurrent refresh of 1000 rows costs a few ms each
  const json continuous =
      run_scenario_summary(dsn, dir, scenario("strategy = \"continuous\"\n", ""));
  const auto& ev = continuous["options"]["C"]["refreshes"];
  EXPECT_GT(ev.size(), 2 * n_interval) << ev.dump();
  // Back to back: each starts within a few ms of the previous one's end.
  for (std::size_t i = 1; i < ev.size(); ++i) {
    const double gap_ms =
        (ev[i]["start_s"].get<double>() - ev[i - 1]["start_s"].get<double>()) * 1000 -
        ev[i - 1]["duration_ms"].get<double>();
    EXPECT_LT(gap_ms, 20) << i;
  }
  fs::remove_all(dir);
}

TEST(RefreshStrategy, DebouncedRefreshesOnlyWhileWritesAreQueued) {
  const std::string dsn = fresh_database("refresh_debounced");
  const fs::path dir = make_temp_dir("refresh");
  const std::string debounced = "strategy = \"debounced\"\ninterval = \"2s\"\n";
  const json idle = run_scenario_summary(dsn, dir, scenario(debounced, ""));
  EXPECT_EQ(idle["options"]["C"]["refreshes"].size(), 0u) << idle["options"]["C"].dump();
  const json busy = run_scenario_summary(dsn, dir, scenario(debounced, "[writer]\nrate = 5\n"));
  const auto& ev = busy["options"]["C"]["refreshes"];
  ASSERT_GE(ev.size(), 2u) << ev.dump();
  EXPECT_LE(ev.size(), 4u) << ev.dump();  // at most one per 2 s window
  for (const auto& e : ev) {
    EXPECT_TRUE(e["ok"].get<bool>()) << e.dump();
    EXPECT_GT(e["queue_depth"].get<int>(), 0) << e.dump();
  }
  // The trigger is off again after the run: a write no longer enqueues.
  auto conn = db::Connection::open(dsn);
  conn.exec("DELETE FROM loadgate_c.mv_refresh_queue");
  conn.exec("UPDATE loadgate_c.custom_posts SET updated_at = now() WHERE id = 1");
  EXPECT_EQ(conn.query("SELECT count(*) FROM loadgate_c.mv_refresh_queue").get(0, 0), "0");
  fs::remove_all(dir);
}

TEST(RefreshStrategy, AFailingRefreshIsRetriedCountedAndTheRunGoesOn) {
  const std::string dsn = fresh_database("refresh_failure");
  const fs::path dir = make_temp_dir("refresh");
  std::ofstream(dir / "s.toml") << scenario(
      "interval = \"3s\"\nmax_retries = 2\nretry_backoff = \"200ms\"\n", "");
  LoadgateProcess run({"run", (dir / "s.toml").string(), "--dsn", dsn, "--mark-db", "--results-dir",
                       (dir / "results").string()});
  ASSERT_TRUE(run.wait_for("measuring option C", std::chrono::seconds(60))) << run.output();
  // Without a unique index on plain columns REFRESH ... CONCURRENTLY fails.
  auto conn = db::Connection::open(dsn);
  conn.exec(
      "DROP INDEX loadgate_c.mv_product_search_id_key, loadgate_c.mv_product_search_sku_key, "
      "loadgate_c.mv_product_search_slug_key");
  // The run goes on to its end, and the refreshes that failed for good fail the verdict.
  EXPECT_EQ(run.finish(), 99) << run.output();
  std::ifstream in(fs::directory_iterator(dir / "results")->path() / "summary.json");
  const json summary = json::parse(in);
  EXPECT_TRUE(summary["run"]["complete"].get<bool>());
  EXPECT_EQ(summary["verdict"], "fail");
  bool refresh_invariant_failed = false;
  for (const auto& inv : summary["invariants"]) {
    if (inv["name"] == "refresh_failures") refresh_invariant_failed = !inv["passed"].get<bool>();
  }
  EXPECT_TRUE(refresh_invariant_failed) << summary["invariants"].dump();
  const auto& ev = summary["options"]["C"]["refreshes"];
  int failed = 0, retries = 0;
  for (const auto& e : ev) {
    failed += e["ok"].get<bool>() ? 0 : 1;
    retries += e["attempt"].get<int>() > 0 ? 1 : 0;
    if (!e["ok"].get<bool>()) {
      EXPECT_NE(e["error"].get<std::string>().find("concurrently"), std::string::npos) << e.dump();
    }
  }
  // The refresh at 3 s fails and is retried twice (200 ms, then 400 ms later).
  EXPECT_GE(failed, 3) << ev.dump();
  EXPECT_GE(retries, 2) << ev.dump();
  EXPECT_GT(summary["options"]["C"]["queries"]["sku_lookup"]["all"]["count"].get<int>(), 0);
  EXPECT_NE(run.output().find("failed"), std::string::npos);
  // Failures are also in the database's own log.
  EXPECT_GE(
      std::stoi(std::string(
          conn.query("SELECT count(*) FROM loadgate_c.mv_refresh_log WHERE status = 'failure'")
              .get(0, 0))),
      3);
  fs::remove_all(dir);
}

// With refreshes every 2 s, a marker committed at a uniform moment waits for the next refresh
// to start and finish: its lag lies in (0, 2 s + refresh duration + poll], median ~1 s. With
// continuous refreshes it is at most about two refresh durations.
TEST(Staleness, LagFollowsTheRefreshSchedule) {
  const std::string dsn = fresh_database("staleness");
  const fs::path dir = make_temp_dir("refresh");
  const std::string probe = "[staleness]\ninterval = \"300ms\"\npoll = \"20ms\"\n";
  const json interval = run_scenario_summary(
      dsn, dir, scenario("strategy = \"interval\"\ninterval = \"2s\"\n", probe))["options"]["C"];
  double max_refresh_s = 0;
  for (const auto& e : interval["refreshes"]) {
    max_refresh_s = std::max(max_refresh_s, e["duration_ms"].get<double>() / 1000);
  }
  const json& lag = interval["staleness"]["lag"];
  std::cout << "interval 2 s: staleness p50 " << lag["p50_ms"] << " ms, max " << lag["max_ms"]
            << " ms over " << lag["count"] << " markers; longest refresh " << max_refresh_s
            << " s\n";
  EXPECT_GE(lag["count"].get<int>(), 12) << interval["staleness"].dump();
  EXPECT_LE(lag["max_ms"].get<double>() / 1000, 2.0 + max_refresh_s + 0.04 + 0.2);
  EXPECT_GT(lag["p50_ms"].get<double>() / 1000, 0.5);
  EXPECT_LT(lag["p50_ms"].get<double>() / 1000, 1.5 + max_refresh_s);
  EXPECT_LE(interval["staleness"]["unseen"].get<int>(), 8);

  const json continuous = run_scenario_summary(
      dsn, dir, scenario("strategy = \"continuous\"\n", probe))["options"]["C"];
  double longest = 0;
  for (const auto& e : continuous["refreshes"]) {
    longest = std::max(longest, e["duration_ms"].get<double>() / 1000);
  }
  const json& clag = continuous["staleness"]["lag"];
  EXPECT_LE(clag["max_ms"].get<double>() / 1000, 2 * longest + 0.04 + 0.2) << clag.dump();
  EXPECT_LT(clag["p50_ms"].get<double>(), lag["p50_ms"].get<double>() / 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
