// Signals and orphans: SIGTERM ends a run with 143 (SIGINT 130) after writing its results,
// marked incomplete, with rates over the time really measured; a second signal stops at once
// and still writes the results and stops the embedded cluster; SIGKILL of loadgate takes the
// postmaster, its backends and catalog-api with it, and the next start removes the cluster
// folder left behind, never the folder of a loadgate still running.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/db/connection.hpp"
#include "tests/faults/fault_util.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// 1,000 products, option A, 4 VUs over a 60 s stage: long enough that only a signal ends it.
std::string sql_scenario(const std::string& name) {
  return "name = \"" + name +
         "\"\n[dataset]\nproducts = 1000\nseed = 7\n[database]\noptions = [\"A\"]\n"
         "[workload.mix]\nsku_lookup = 3\ncategory_page = 1\n"
         "[executor]\ntype = \"ramping-vus\"\nwarmup = \"200ms\"\nstart_vus = 4\n"
         "stages = [{ duration = \"60s\", target = 4 }]\n"
         "[thresholds]\n\"sql_duration\" = [\"p(99)<5000\"]\n";
}

// The same over HTTP: loadgate starts catalog-api on option A.
std::string http_scenario(const std::string& name) {
  return "name = \"" + name +
         "\"\n[dataset]\nproducts = 1000\nseed = 7\n[database]\noptions = [\"A\"]\n"
         "[workload.requests.by_category]\npath = \"/api/products?categoryId={category}\"\n"
         "weight = 1\n[http]\ncatalog_api = true\napi_pool = 4\n"
         "[executor]\ntype = \"ramping-vus\"\nstart_vus = 4\n"
         "stages = [{ duration = \"60s\", target = 4 }]\n";
}

// Processes (not this one) working in `dir` (PostgreSQL's postmaster and backends run in their
// data directory) or naming it on their command line (catalog-api's --dsn host=<dir>/lg-...).
std::vector<std::string> processes_in(const fs::path& dir) {
  std::vector<std::string> found;
  const std::string needle = dir.string();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (pid == std::to_string(::getpid())) continue;
    std::error_code ignore;
    const std::string cwd = fs::read_symlink(e.path() / "cwd", ignore).string();
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline{std::istreambuf_iterator<char>(in), {}};
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cwd.starts_with(needle) || cmdline.find(needle) != std::string::npos) {
      found.push_back(pid + " " + cmdline);
    }
  }
  return found;
}

// Waits up to `timeout` for no process to work in `dir`; what is left.
std::vector<std::string> wait_no_processes(const fs::path& dir, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto left = processes_in(dir);
  while (!left.empty() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = processes_in(dir);
  }
  return left;
}

std::vector<fs::path> cluster_dirs(const fs::path& tmp) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(tmp)) {
    if (e.path().filename().string().starts_with("lg-")) out.push_back(e.path());
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(SignalFaults, SigtermEndsWith143AndRatesOverTheTimeReallyMeasured) {
  const std::string db = fresh_database("signal_term");
  const auto dir = make_temp_dir("sig-term");
  const auto file = write_scenario(dir, sql_scenario("term"));
  LoadgateProcess p({"run", file.string(), "--dsn", db, "--mark-db", "--results-dir",
                     (dir / "results").string()});
  ASSERT_TRUE(p.wait_for("measuring option A", std::chrono::seconds(30))) << p.output();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const auto t0 = Clock::now();
  p.signal(SIGTERM);
  EXPECT_EQ(p.finish(), 143) << p.output();
  const double stopped_after = seconds_since(t0);
  EXPECT_LT(stopped_after, 10.0) << p.output();
  std::cout << "SIGTERM: exit 143 after " << stopped_after << " s\n";
  const auto run = only_run(dir / "results");
  const auto summary = read_json(run / "summary.json");
  EXPECT_FALSE(summary["run"]["complete"].get<bool>());
  EXPECT_EQ(summary["run"]["incomplete_reason"], "interrupted");
  EXPECT_TRUE(fs::exists(run / "junit.xml"));
  EXPECT_TRUE(fs::exists(run / "latency.hlog"));
  // ~3 s measured out of 60 planned: the rates divide by the time measured, not the plan.
  const auto& a = summary["options"]["A"];
  EXPECT_LT(a["duration"]["measured_s"].get<double>(), 8.0) << a["duration"].dump();
  EXPECT_EQ(a["duration"]["stop_reason"], "signal");
  const auto& sku = a["queries"]["sku_lookup"]["all"];
  ASSERT_GT(sku["count"].get<std::int64_t>(), 0);
  EXPECT_LT(sku["seconds"].get<double>(), 8.0) << sku.dump();
  const double rate =
      static_cast<double>(sku["count"].get<std::int64_t>()) / sku["seconds"].get<double>();
  EXPECT_NEAR(sku["throughput_per_s"].get<double>(), rate, rate * 1e-3);  // seconds are rounded
  fs::remove_all(dir);
}

// Two signals in a row on the embedded default: the second stops at once, but the results
// are written, marked incomplete with why, and the cluster is stopped and removed.
TEST(SignalFaults, ASecondSignalStopsNowButStillWritesResultsAndStopsTheCluster) {
  const auto dir = make_temp_dir("sig-twice");
  const auto tmp = cluster_tmp(dir);
  const auto file = write_scenario(dir, sql_scenario("twice"));
  LoadgateProcess p({"run", file.string(), "--results-dir", (dir / "results").string()},
                    {"TMPDIR=" + tmp.string()});
  ASSERT_TRUE(p.wait_for("measuring option A", std::chrono::seconds(60))) << p.output();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto t0 = Clock::now();
  p.signal(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  p.signal(SIGINT);
  EXPECT_EQ(p.finish(), 130) << p.output();
  const double stopped_after = seconds_since(t0);
  EXPECT_LT(stopped_after, 15.0) << p.output();
  std::cout << "two SIGINTs: exit 130 after " << stopped_after << " s\n";
  const auto run = only_run(dir / "results");
  const auto summary = read_json(run / "summary.json");
  EXPECT_FALSE(summary["run"]["complete"].get<bool>());
  EXPECT_NE(summary["run"]["incomplete_reason"].get<std::string>().find("second signal"),
            std::string::npos)
      << summary["run"].dump();
  EXPECT_TRUE(fs::exists(run / "junit.xml"));
  EXPECT_TRUE(fs::exists(run / "latency.hlog"));
  EXPECT_NE(p.output().find("\nverdict: "), std::string::npos) << "no console table";
  EXPECT_EQ(joined(wait_no_processes(tmp, std::chrono::seconds(5))), "");
  EXPECT_TRUE(fs::is_empty(tmp)) << "embedded cluster left behind";
  fs::remove_all(dir);
}

// A signal while the stages have ended and graceful_stop is waiting for iterations blocked on
// a lock: nobody waits out a grace period the user has just declined. The run ends at once,
// the blocked iterations are counted as interrupted, and the measured part stays complete
// (the stages all ran) with its results written.
TEST(SignalFaults, ASignalDuringGracefulStopEndsTheWaitAtOnce) {
  const std::string db = fresh_database("signal_grace");
  const auto dir = make_temp_dir("sig-grace");
  const auto file = write_scenario(
      dir,
      "name = \"grace\"\n[dataset]\nproducts = 1000\nseed = 7\n[database]\noptions = [\"A\"]\n"
      "lock_timeout = \"120s\"\nstatement_timeout = \"120s\"\n"
      "[workload.mix]\nsku_lookup = 1\n[executor]\ntype = \"ramping-vus\"\nstart_vus = 2\n"
      "graceful_stop = \"60s\"\nstages = [{ duration = \"3s\", target = 2 }]\n");
  LoadgateProcess p({"run", file.string(), "--dsn", db, "--mark-db", "--results-dir",
                     (dir / "results").string()});
  ASSERT_TRUE(p.wait_for("measuring option A", std::chrono::seconds(30))) << p.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto locker = db::Connection::open(db);
  locker.exec("BEGIN");
  locker.exec("LOCK TABLE loadgate_a.products IN ACCESS EXCLUSIVE MODE");
  // The stages end 1.5 s from here; graceful_stop would then wait for 60 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  const auto t0 = Clock::now();
  p.signal(SIGINT);
  const int code = p.finish();
  const double took = seconds_since(t0);
  locker.exec("ROLLBACK");
  EXPECT_LT(took, 10.0) << p.output();
  std::cout << "SIGINT during a 60 s graceful_stop: ended after " << took << " s\n";
  const auto summary = read_json(only_run(dir / "results") / "summary.json");
  const auto& a = summary["options"]["A"];
  EXPECT_EQ(a["interrupted_iterations"].get<int>(), 2) << a.dump();
  EXPECT_LT(a["duration"]["measured_s"].get<double>(), 8.0) << a["duration"].dump();
  EXPECT_EQ(a["duration"]["stop_reason"], "end of stages") << a["duration"].dump();
  EXPECT_TRUE(summary["run"]["complete"].get<bool>()) << summary["run"].dump();
  EXPECT_EQ(code, 0) << p.output();
  fs::remove_all(dir);
}

// SIGKILL leaves no process behind (the postmaster, its backends, catalog-api all go with
// loadgate); the cluster folder it leaves is removed by the next start, while the folder of a
// loadgate still running next to it is left alone.
TEST(SignalFaults, SigkillLeavesNoProcessAndTheNextStartRemovesItsFolder) {
  const auto dir = make_temp_dir("sig-kill");
  const auto tmp = cluster_tmp(dir);
  const std::vector<std::string> env{"TMPDIR=" + tmp.string()};
  const auto alive_file = write_scenario(dir, sql_scenario("alive"));
  LoadgateProcess alive({"run", alive_file.string(), "--results-dir", (dir / "r1").string()}, env);
  ASSERT_TRUE(alive.wait_for("measuring option A", std::chrono::seconds(60))) << alive.output();
  const auto before = cluster_dirs(tmp);
  ASSERT_EQ(before.size(), 1u) << "the live run's cluster folder";

  fs::path stale;
  {
    std::ofstream(dir / "h.toml") << http_scenario("killed");
    LoadgateProcess killed(
        {"run", (dir / "h.toml").string(), "--results-dir", (dir / "r2").string()}, env);
    ASSERT_TRUE(killed.wait_for("measuring option A", std::chrono::seconds(60))) << killed.output();
    for (const auto& d : cluster_dirs(tmp)) stale = d == before[0] ? stale : d;
    ASSERT_FALSE(stale.empty());
    const auto running = processes_in(stale);
    ASSERT_GE(running.size(), 2u) << "postmaster and catalog-api expected:\n" << joined(running);
    killed.signal(SIGKILL);
    EXPECT_EQ(killed.finish(), 128 + SIGKILL);
  }
  EXPECT_EQ(joined(wait_no_processes(stale, std::chrono::seconds(10))), "");
  ASSERT_TRUE(fs::exists(stale)) << "a SIGKILL leaves the folder; the next start removes it";

  LoadgateProcess next({"datagen", "--products", "1000", "--options", "A"}, env);
  EXPECT_EQ(next.finish(), 0) << next.output();
  EXPECT_NE(next.output().find("removed " + stale.string()), std::string::npos) << next.output();
  EXPECT_FALSE(fs::exists(stale)) << "stale cluster folder not removed";
  EXPECT_TRUE(fs::exists(before[0])) << "the live run's folder must stay";

  alive.signal(SIGINT);
  EXPECT_EQ(alive.finish(), 130) << alive.output();
  const auto summary = read_json(only_run(dir / "r1") / "summary.json");
  EXPECT_GT(summary["options"]["A"]["queries"]["sku_lookup"]["all"]["count"].get<std::int64_t>(), 0)
      << "the live run was disturbed";
  EXPECT_EQ(joined(wait_no_processes(tmp, std::chrono::seconds(5))), "");
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
