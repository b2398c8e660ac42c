#include "tests/faults/fault_util.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "tests/integration/pg_fixture.hpp"

namespace lg::test {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path write_scenario(const fs::path& dir, const std::string& text) {
  std::ofstream(dir / "s.toml") << text;
  return dir / "s.toml";
}

json results_of(const fs::path& dir) {
  const fs::path run = only_run(dir / "results");
  EXPECT_TRUE(fs::exists(run / "junit.xml"));
  EXPECT_TRUE(fs::exists(run / "latency.hlog"));
  EXPECT_TRUE(fs::exists(run / "timeseries.csv"));
  return read_json(run / "summary.json");
}

const json* invariant(const json& summary, const std::string& name) {
  for (const auto& i : summary["invariants"]) {
    if (i["name"] == name) return &i;
  }
  return nullptr;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool mount_tmpfs(const fs::path& dir, const std::string& size, std::string* why) {
  fs::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0) return true;
  *why = std::strerror(errno);
  return false;
}

fs::path cluster_tmp(const fs::path& dir) {
  const auto tmp = dir / "tmp";
  fs::create_directories(tmp);
  fs::permissions(dir, fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
  fs::permissions(tmp, fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);
  return tmp;
}

}  // namespace lg::test
