// Results that survive: a results folder that cannot be written fails the run at once (exit 3,
// one line naming the path and the reason) before any cluster or dataset; a disk that fills up
// during a run loses latency.hlog with one line, never the run: junit.xml and the console table
// still come out, every other file is whole or named in an error, and the run ends with exit 3.
// The full disk is real: a small tmpfs (skipped when mount is not permitted).

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/faults/fault_util.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kNoSpace = std::strerror(ENOSPC);

// 1,000 products, option A, 4 VUs for `seconds`.
std::string scenario(const std::string& name, int seconds) {
  return "name = \"" + name +
         "\"\n[dataset]\nproducts = 1000\nseed = 7\n[database]\noptions = [\"A\"]\n"
         "[workload.mix]\nsku_lookup = 3\ncategory_page = 1\nfull_text_search = 1\n"
         "[executor]\ntype = \"ramping-vus\"\nwarmup = \"200ms\"\nstart_vus = 4\nstages = "
         "[{ duration = \"" +
         std::to_string(seconds) + "s\", target = 4 }]\n[thresholds]\n" +
         "\"sql_duration\" = [\"p(99)<5000\"]\n";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Writes `dir`/filler until the filesystem is full.
fs::path fill(const fs::path& dir) {
  const fs::path filler = dir / "filler";
  std::FILE* f = std::fopen(filler.c_str(), "w");
  if (f == nullptr) return filler;
  const std::string block(4096, 'x');
  while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
  }
  std::fclose(f);
  return filler;
}

TEST(ResultsFaults, AResultsFolderUnderAFileFailsAtOnceBeforeAnyCluster) {
  const auto dir = make_temp_dir("res-notdir");
  const auto tmp = dir / "tmp";
  fs::create_directories(tmp);
  // Searchable by others, so that a cluster (run by another user under root) would go here.
  fs::permissions(dir, fs::perms::others_exec, fs::perm_options::add);
  fs::permissions(tmp, fs::perms::others_exec, fs::perm_options::add);
  std::ofstream(dir / "file") << "not a folder";
  const fs::path results = dir / "file" / "results";
  const auto file = write_scenario(dir, scenario("notdir", 2));
  const auto t0 = Clock::now();
  // The embedded default: a probe that came after the cluster would leave time to start one.
  LoadgateProcess p({"run", file.string(), "--results-dir", results.string()},
                    {"TMPDIR=" + tmp.string()});
  EXPECT_EQ(p.finish(), 3) << p.output();
  EXPECT_LT(seconds_since(t0), 5.0) << p.output();
  EXPECT_EQ(count(p.output(), "\n"), 1u) << "one line: " << p.output();
  EXPECT_NE(p.output().find(results.string() + ": " + std::strerror(ENOTDIR)), std::string::npos)
      << p.output();
  EXPECT_TRUE(fs::is_empty(tmp)) << "a cluster was started before the results folder was checked";
  fs::remove_all(dir);
}

TEST(ResultsFaults, AFullResultsDiskFailsAtOnceWithTheReason) {
  const auto dir = make_temp_dir("res-full0");
  const fs::path results = dir / "results";
  std::string why;
  if (!mount_tmpfs(results, "64k", &why)) {
    fs::remove_all(dir);
    GTEST_SKIP() << "mount -t tmpfs not permitted (" << why << ")";
  }
  fill(results);
  const auto file = write_scenario(dir, scenario("full0", 2));
  const auto t0 = Clock::now();
  std::string out;
  EXPECT_EQ(run_loadgate({"run", file.string(), "--dsn", dsn(), "--mark-db", "--results-dir",
                          results.string()},
                         &out),
            3)
      << out;
  EXPECT_LT(seconds_since(t0), 5.0) << out;
  EXPECT_NE(out.find(results.string()), std::string::npos) << out;
  EXPECT_NE(out.find(kNoSpace), std::string::npos) << out;
  EXPECT_EQ(out.find("measuring"), std::string::npos) << out;
  ::umount2(results.c_str(), MNT_DETACH);
  fs::remove_all(dir);
}

// The disk fills up while option A is measured: latency.hlog says so once, the run goes on to
// its end, then some room comes back (as when a CI cleans up) and every result file is
// written or named in an error; junit.xml (written first, small) and the table always come out.
TEST(ResultsFaults, ADiskFullingUpDuringARunLosesTheLogNotTheResults) {
  const std::string db = fresh_database("results_full");
  const auto dir = make_temp_dir("res-full");
  const fs::path results = dir / "results";
  std::string why;
  if (!mount_tmpfs(results, "1m", &why)) {
    fs::remove_all(dir);
    GTEST_SKIP() << "mount -t tmpfs not permitted (" << why << ")";
  }
  const auto file = write_scenario(dir, scenario("full", 6));
  const auto t0 = Clock::now();
  LoadgateProcess p(
      {"run", file.string(), "--dsn", db, "--mark-db", "--results-dir", results.string()});
  ASSERT_TRUE(p.wait_for("measuring option A", std::chrono::seconds(30))) << p.output();
  const fs::path filler = fill(results);
  const bool lost = p.wait_for("latency.hlog stops here", std::chrono::seconds(8));
  fs::resize_file(filler, fs::file_size(filler) > 32768 ? fs::file_size(filler) - 32768 : 0);
  const int code = p.finish();
  const std::string& out = p.output();
  EXPECT_TRUE(lost) << out;
  EXPECT_EQ(code, 3) << out;
  EXPECT_LT(seconds_since(t0), 40.0);
  EXPECT_EQ(count(out, "latency.hlog: " + kNoSpace + " (latency.hlog stops here"), 1u) << out;
  EXPECT_NE(out.find("\nverdict: "), std::string::npos) << "no console table: " << out;

  fs::path run;
  for (const auto& e : fs::directory_iterator(results)) {
    if (e.is_directory()) run = e.path();
  }
  ASSERT_FALSE(run.empty());
  std::ifstream junit(run / "junit.xml");
  const std::string xml{std::istreambuf_iterator<char>(junit), {}};
  EXPECT_NE(xml.find("</testsuite>"), std::string::npos) << "junit.xml missing or partial";
  EXPECT_TRUE(fs::exists(run / "latency.hlog"));
  // Every other result file is whole, or the output names it with the reason.
  for (const char* name : {"summary.json", "summary.txt", "series.json", "timeseries.csv"}) {
    const fs::path f = run / name;
    if (fs::exists(f)) {
      EXPECT_GT(fs::file_size(f), 0u) << name;
    } else {
      EXPECT_NE(out.find("cannot write " + f.string() + ": " + kNoSpace), std::string::npos)
          << name << " neither written nor reported: " << out;
    }
  }
  if (fs::exists(run / "summary.json")) {
    std::ifstream in(run / "summary.json");
    const json summary = json::parse(in);
    EXPECT_FALSE(summary["run"]["complete"].get<bool>());
    EXPECT_NE(summary["run"]["incomplete_reason"].get<std::string>().find("latency.hlog"),
              std::string::npos);
  }
  for (const auto& e : fs::directory_iterator(run)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  ::umount2(results.c_str(), MNT_DETACH);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
