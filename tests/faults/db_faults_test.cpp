// Faults of the database under a run, each ending in an honest state: the run goes on and says
// what went wrong (connections lost and re-established, refreshes that failed, timeouts by
// class), or it stops and says why (the database is gone, it cannot take the connections) —
// never a pass that hides a broken system, never a hang, never lost results.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "harness/db/cluster.hpp"
#include "harness/db/connection.hpp"
#include "tests/faults/fault_util.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Ends every connection to `dsn`'s database but the caller's: what a server restart, a
// failover or an administrator's pg_terminate_backend does to the run's sessions.
int terminate_all(const std::string& dsn) {
  auto conn = db::Connection::open(dsn);
  const auto r = conn.query(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  return std::stoi(std::string(r.get(0, 0)));
}

std::set<std::string> application_names(const std::string& dsn) {
  auto conn = db::Connection::open(dsn);
  const auto r = conn.query(
      "SELECT DISTINCT application_name FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  std::set<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace(r.get(i, 0));
  return out;
}

std::vector<std::string> run_args(const fs::path& file, const std::string& dsn,
                                  const fs::path& dir) {
  return {
      "run", file.string(), "--dsn", dsn, "--mark-db", "--results-dir", (dir / "results").string()};
}

const std::string kWriter =
    "[writer]\ntype = \"ramping-arrival-rate\"\nstart_rate = 5\npre_allocated_vus = 1\n"
    "max_vus = 2\nstages = [{ duration = \"8s\", target = 5 }]\n";

// Every session of the run is terminated once during A and once during C (a server restart
// as the client sees it). The VUs, the write mix, the refresher, the staleness probe and the
// admin connection all come back; both options are measured; the losses are counted with
// their times; and the verdict fails on connection_loss although no threshold looks at it.
TEST(DbFaults, TerminatedSessionsReconnectAndTheVerdictNamesTheLoss) {
  const std::string dsn = fresh_database("faults_terminate");
  const fs::path dir = make_temp_dir("terminate");
  const auto file = write_scenario(
      dir,
      "name = \"terminate\"\n[dataset]\nproducts = 2000\n[database]\noptions = [\"A\", \"C\"]\n"
      "[workload.mix]\nsku_lookup = 3\ncategory_page = 1\n[executor]\nstart_vus = 4\n"
      "stages = [{ duration = \"8s\", target = 4 }]\n[refresher]\ninterval = \"1s\"\n"
      "[staleness]\ninterval = \"500ms\"\n" +
          kWriter);
  LoadgateProcess run(run_args(file, dsn, dir));
  ASSERT_TRUE(run.wait_for("measuring option A", std::chrono::seconds(120))) << run.output();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_GE(terminate_all(dsn), 5);  // 4 VUs, a writer VU, the admin connection
  ASSERT_TRUE(run.wait_for("measuring option C", std::chrono::seconds(60))) << run.output();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const auto names = application_names(dsn);
  for (const char* name :
       {"loadgate-vu", "loadgate-writer", "loadgate refresher", "loadgate staleness probe"}) {
    EXPECT_EQ(names.count(name), 1u) << name << " is not among the run's sessions";
  }
  EXPECT_GE(terminate_all(dsn), 7);
  EXPECT_EQ(run.finish(), 99) << run.output();
  const json s = results_of(dir);
  EXPECT_TRUE(s["run"]["complete"].get<bool>());
  EXPECT_EQ(s["verdict"], "fail");
  const json* loss = invariant(s, "connection_loss");
  ASSERT_NE(loss, nullptr) << s["invariants"].dump();
  EXPECT_FALSE((*loss)["passed"].get<bool>());
  for (const char* opt : {"A", "C"}) {
    SCOPED_TRACE(opt);
    const json& o = s["options"][opt];
    const json& h = o["health"];
    EXPECT_TRUE(o["measured"].get<bool>());
    EXPECT_GE(h["vu_connections_lost"].get<int>(), 4) << h.dump();
    EXPECT_GE(h["vu_reconnects"].get<int>(), 4) << h.dump();
    EXPECT_TRUE(h["buffer_stats_error"].is_null()) << h.dump();
    EXPECT_GT(o["reads"]["stages"].size(), 0u);
    // The reads went on after the loss: most of them succeeded.
    const json& all = o["queries"]["sku_lookup"]["all"];
    EXPECT_GT(all["ok"].get<std::int64_t>(), 10 * all["errors"].get<std::int64_t>()) << all.dump();
  }
  for (const char* opt : {"A", "C"}) {
    const json& h = s["options"][opt]["health"];
    std::cout << "sessions terminated, option " << opt << ": " << h["vu_connections_lost"]
              << " VU connections lost, " << h["vu_reconnects"] << " re-established, "
              << h["connection_events"].size() << " background events, errors by class "
              << h["errors_by_class"].dump() << "\n";
  }
  const json& c = s["options"]["C"];
  std::set<std::string> back;
  for (const auto& ev : c["health"]["connection_events"]) {
    if (ev["what"] == "reconnected") back.insert(ev["who"].get<std::string>());
    EXPECT_GT(ev["at_s"].get<double>(), 0.0);
  }
  EXPECT_EQ(back, (std::set<std::string>{"refresher", "staleness probe"})) << c["health"].dump();
  // The refresher recovered: its last refresh succeeded, and none failed for good.
  ASSERT_FALSE(c["refreshes"].empty());
  EXPECT_TRUE(c["refreshes"].back()["ok"].get<bool>()) << c["refreshes"].dump();
  EXPECT_EQ(c["health"]["refreshes_failed"], 0);
  fs::remove_all(dir);
}

// The postmaster is killed and stays down: every VU backs off between reconnect attempts (a
// few attempts per second each, not thousands), the failures are never latency samples, and
// the run stops once the target has been unreachable for `unreachable_after`, with exit 3 and
// every result file written, marked incomplete.
TEST(DbFaults, DatabaseThatStaysDownStopsTheRunWithExit3AndResults) {
  db::ClusterOptions copts;
  copts.max_connections = 30;
  auto cluster = db::EmbeddedCluster::start(copts);
  const fs::path dir = make_temp_dir("gone");
  const auto file = write_scenario(
      dir,
      "name = \"gone\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
      "[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 4\n"
      "stages = [{ duration = \"60s\", target = 4 }]\n[invariants]\nunreachable_after = \"2s\"\n"
      "[thresholds]\n\"sql_duration\" = [\"p(95)<1000\"]\n");
  LoadgateProcess run(run_args(file, cluster->dsn(), dir));
  ASSERT_TRUE(run.wait_for("measuring option A", std::chrono::seconds(120))) << run.output();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::ifstream pidfile(cluster->data_dir() / "postmaster.pid");
  pid_t postmaster = 0;
  pidfile >> postmaster;
  ASSERT_GT(postmaster, 0);
  const auto killed = Clock::now();
  ASSERT_EQ(::kill(postmaster, SIGKILL), 0);
  EXPECT_EQ(run.finish(), 3) << run.output();
  const double stopped_after = seconds_since(killed);
  EXPECT_LT(stopped_after, 20.0) << "the stop took too long";
  EXPECT_EQ(run.output().find("all thresholds held"), std::string::npos) << run.output();
  EXPECT_NE(run.output().find("INCOMPLETE"), std::string::npos) << run.output();
  const json s = results_of(dir);
  EXPECT_FALSE(s["run"]["complete"].get<bool>());
  EXPECT_NE(s["run"]["incomplete_reason"].get<std::string>().find("unreachable"), std::string::npos)
      << s["run"].dump();
  EXPECT_EQ(s["verdict"], "incomplete");
  const json& all = s["options"]["A"]["queries"]["sku_lookup"]["all"];
  const auto connection = all["errors_by_class"].value("connection", 0);
  EXPECT_GT(connection, 0) << all.dump();
  // With backoff (50 ms doubling to 2 s) 4 VUs make a few dozen attempts in ~3 s; without it
  // each made ~20,000 a second.
  EXPECT_LT(connection, 400) << all.dump();
  std::cout << "database killed: exit 3 after " << stopped_after << " s (unreachable_after 2 s), "
            << connection << " connection errors from 4 VUs, " << all["ok"] << " reads before\n";
  EXPECT_EQ(all["ok"].get<std::int64_t>() + all["errors"].get<std::int64_t>(),
            all["count"].get<std::int64_t>());
  cluster->stop();
  fs::remove_all(dir);
}

// Option C's view loses the unique index REFRESH ... CONCURRENTLY needs: every later refresh
// fails. Failed attempts are counted by class and are not refresh durations; the verdict
// fails on refresh_failures although no threshold looks at refreshes.
TEST(DbFaults, RefreshesThatFailForGoodFailTheVerdict) {
  const std::string dsn = fresh_database("faults_refresh");
  const fs::path dir = make_temp_dir("refresh");
  const auto file = write_scenario(
      dir,
      "name = \"refresh\"\n[dataset]\nproducts = 2000\n[database]\noptions = [\"C\"]\n"
      "[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 2\n"
      "stages = [{ duration = \"6s\", target = 2 }]\n[refresher]\ninterval = \"1s\"\n"
      "max_retries = 0\n[thresholds]\n\"mv_refresh_duration\" = [\"max<5000\"]\n");
  LoadgateProcess run(run_args(file, dsn, dir));
  ASSERT_TRUE(run.wait_for("measuring option C", std::chrono::seconds(120))) << run.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  {
    auto conn = db::Connection::open(dsn);
    const auto r = conn.query(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'loadgate_c' AND "
        "tablename = 'mv_product_search' AND indexdef LIKE 'CREATE UNIQUE INDEX%'");
    ASSERT_GE(r.rows(), 1);
    for (int i = 0; i < r.rows(); ++i) {
      conn.exec("DROP INDEX loadgate_c." + std::string(r.get(i, 0)));
    }
  }
  EXPECT_EQ(run.finish(), 99) << run.output();
  const json s = results_of(dir);
  EXPECT_EQ(s["verdict"], "fail");
  const json* refresh = invariant(s, "refresh_failures");
  ASSERT_NE(refresh, nullptr);
  EXPECT_FALSE((*refresh)["passed"].get<bool>()) << refresh->dump();
  const json& c = s["options"]["C"];
  EXPECT_GE(c["health"]["refreshes_failed"].get<int>(), 2) << c["health"].dump();
  int failed = 0;
  for (const auto& ev : c["refreshes"]) {
    if (ev["ok"].get<bool>()) continue;
    ++failed;
    EXPECT_EQ(ev["error_class"], "server") << ev.dump();
  }
  const json& d = c["refresh_duration"];
  EXPECT_EQ(d["errors"].get<int>(), failed) << d.dump();
  EXPECT_EQ(d["errors_by_class"]["server"].get<int>(), failed) << d.dump();
  EXPECT_EQ(d["ok"].get<int>() + failed, static_cast<int>(c["refreshes"].size()));
  // The threshold on refresh durations judged the refreshes that happened, not the failures.
  EXPECT_TRUE(s["thresholds"][0]["passed"].get<bool>()) << s["thresholds"].dump();
  EXPECT_EQ(s["thresholds"][0]["samples"].get<int>(), d["ok"].get<int>());
  fs::remove_all(dir);
}

// A table locked in ACCESS EXCLUSIVE mode from mid-run until after the run's end: lock_timeout
// ends every blocked statement (class timeout), every second of the lock still has its
// timeseries rows, a `sql_failed{class:timeout}` threshold sees them, and the run ends on time
// — neither the reads nor the write mix's VUs being opened wait for the lock.
TEST(DbFaults, LockHeldPastTheEndNeitherHangsTheRunNorHidesTheFailures) {
  const std::string dsn = fresh_database("faults_lock");
  const fs::path dir = make_temp_dir("lock");
  const auto file =
      write_scenario(dir,
                     "name = \"lock\"\n[dataset]\nproducts = 2000\n[database]\noptions = [\"A\"]\n"
                     "lock_timeout = \"300ms\"\nstatement_timeout = \"2s\"\n"
                     "[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 4\n"
                     "stages = [{ duration = \"6s\", target = 4 }]\n" +
                         kWriter +
                         "[thresholds]\n\"sql_failed{class:timeout}\" = [\"rate==0\"]\n"
                         "\"sql_failed{class:connection}\" = [\"rate<0.001\"]\n");
  LoadgateProcess run(run_args(file, dsn, dir));
  ASSERT_TRUE(run.wait_for("measuring option A", std::chrono::seconds(120))) << run.output();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto locker = db::Connection::open(dsn);
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE loadgate_a.products IN ACCESS EXCLUSIVE MODE");
  const auto locked = Clock::now();
  const int code = run.finish();
  const auto took = Clock::now() - locked;
  locker.exec("ROLLBACK");
  EXPECT_EQ(code, 99) << run.output();
  // 4 s of stage left, 5 s of graceful stop at the most, and the end-of-run work.
  EXPECT_LT(took, std::chrono::seconds(20)) << run.output();
  std::cout << "lock held past the end: the run ended "
            << std::chrono::duration<double>(took).count()
            << " s after the lock (4 s of stage left)\n";
  const json s = results_of(dir);
  EXPECT_TRUE(s["run"]["complete"].get<bool>());
  ASSERT_EQ(s["thresholds"].size(), 2u);
  EXPECT_FALSE(s["thresholds"][0]["passed"].get<bool>()) << s["thresholds"].dump();
  EXPECT_GT(s["thresholds"][0]["observed"].get<double>(), 0.0);
  EXPECT_TRUE(s["thresholds"][1]["passed"].get<bool>()) << s["thresholds"].dump();
  const json& all = s["options"]["A"]["queries"]["sku_lookup"]["all"];
  EXPECT_GT(all["errors_by_class"].value("timeout", 0), 20) << all.dump();
  // Every whole second under the lock has its rows, each with timeouts.
  std::ifstream csv(only_run(dir / "results") / "timeseries.csv");
  std::string header;
  std::getline(csv, header);
  // Columns by header name: the file gains columns over time (errors by class, trial).
  const auto cells = [](const std::string& line) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    return f;
  };
  const std::vector<std::string> names = cells(header);
  const auto column = [&](const std::string& name) {
    const auto at = std::find(names.begin(), names.end(), name);
    EXPECT_NE(at, names.end()) << "timeseries.csv has no column " << name << ": " << header;
    return static_cast<std::size_t>(at - names.begin());
  };
  const std::size_t t_start = column("t_start_s");
  const std::size_t timeouts = column("errors_timeout");
  std::set<int> seconds_with_timeouts;
  for (std::string line; std::getline(csv, line);) {
    if (line.find(",sql_duration,sku_lookup,") == std::string::npos) continue;
    const std::vector<std::string> f = cells(line);
    if (std::stoll(f.at(timeouts)) > 0) seconds_with_timeouts.insert(std::stoi(f.at(t_start)));
  }
  for (int second = 4; second <= 5; ++second) {
    EXPECT_EQ(seconds_with_timeouts.count(second), 1u)
        << "no timeouts recorded in second " << second;
  }
  fs::remove_all(dir);
}

// A target whose max_connections cannot take the scenario's VUs is refused before anything is
// built, with one line saying what is short — not started and then failed with "too many
// clients", and never "all thresholds held" beside nothing measured.
TEST(DbFaults, TooFewConnectionsIsRefusedBeforeBuildingWithOneLine) {
  const std::string dsn = fresh_database("faults_capacity");
  const fs::path dir = make_temp_dir("capacity");
  const auto file = write_scenario(
      dir,
      "name = \"capacity\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
      "[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 200\n"
      "stages = [{ duration = \"5s\", target = 200 }]\n");
  std::string out;
  const auto start = Clock::now();
  EXPECT_EQ(run_loadgate(run_args(file, dsn, dir), &out), 3) << out;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_NE(out.find("max_connections"), std::string::npos) << out;
  EXPECT_NE(out.find("needs 20"), std::string::npos) << out;  // 200 VUs + 1 admin
  EXPECT_EQ(out.find("all thresholds held"), std::string::npos) << out;
  auto conn = db::Connection::open(dsn);
  EXPECT_EQ(conn.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'loadgate_a'"), "0");
  fs::remove_all(dir);
}

// The embedded cluster's disk (a small tmpfs here) cannot hold the scenario's datasets: the
// run is refused before anything is built, with one line naming the disk, what is free and
// what the datasets need — not a build that dies halfway with "No space left on device".
TEST(DbFaults, DatasetsTooLargeForTheEmbeddedClustersDiskAreRefusedBeforeBuilding) {
  const fs::path dir = make_temp_dir("disk");
  const fs::path tmp = dir / "tmp";
  std::string why;
  if (!mount_tmpfs(tmp, "160m", &why)) {
    fs::remove_all(dir);
    GTEST_SKIP() << "mount -t tmpfs not permitted (" << why << ")";
  }
  cluster_tmp(dir);  // searchable by the server's user
  const auto file = write_scenario(
      dir,
      "name = \"disk\"\n[dataset]\nproducts = 200000\n[database]\noptions = [\"A\", \"B\", "
      "\"C\"]\n[workload.mix]\nsku_lookup = 1\n[executor]\nstart_vus = 1\n"
      "stages = [{ duration = \"2s\", target = 1 }]\n");
  LoadgateProcess run({"run", file.string(), "--results-dir", (dir / "results").string()},
                      {"TMPDIR=" + tmp.string()});
  const int code = run.finish();
  const std::string out = run.output();
  ::umount2(tmp.c_str(), MNT_DETACH);
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("the embedded cluster's disk"), std::string::npos) << out;
  EXPECT_NE(out.find("GB free but 200000 products of 3 option(s) need about"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("building option"), std::string::npos) << "refused before building";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
