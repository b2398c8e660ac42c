#pragma once
// Integration-test fixture: ONE embedded PostgreSQL cluster for the whole test binary
// (max_connections 64), started by a GoogleTest global Environment (main.cpp) and stopped at
// exit. When the process is root the server runs as an unprivileged user (see cluster.hpp);
// tests connect over its private unix socket either way.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/db/cluster.hpp"

namespace lg::test {

/// DSN of the fixture cluster's "loadgate" database. Empty before the environment's SetUp.
const std::string& dsn();

/// The fixture cluster itself (e.g. for dsn_for). Aborts the test if it did not start.
const db::EmbeddedCluster& cluster();

/// A fresh private directory /tmp/lgtest-<tag>-XXXXXX (mkdtemp). Throws std::runtime_error.
std::filesystem::path make_temp_dir(const std::string& tag);

/// The only run folder under `results`; throws std::runtime_error when there is not exactly one.
std::filesystem::path only_run(const std::filesystem::path& results);

/// `file` parsed as JSON (throws nlohmann::json::parse_error).
nlohmann::json read_json(const std::filesystem::path& file);

/// (Re)creates database `name` in the fixture cluster (dropping any previous one, so each
/// suite starts clean) and returns its DSN. Throws DbError / InfraError.
std::string fresh_database(const std::string& name);

/// Runs the loadgate CLI (path from the LOADGATE_BINARY macro) with `args`, captures stdout and
/// stderr combined into *output (if not null) and returns the exit code (128 + signal when
/// killed). Returns -1 when the binary does not exist.
int run_loadgate(const std::vector<std::string>& args, std::string* output);

/// Writes `scenario` to dir/s.toml, runs it against `dsn` (--mark-db) into a fresh
/// dir/results, expects exit 0 (a test failure with the output otherwise) and returns the run's
/// summary.json.
nlohmann::json run_scenario_summary(const std::string& dsn, const std::filesystem::path& dir,
                                    const std::string& scenario);

/// The loadgate CLI (LOADGATE_BINARY) running in the background, its stdout and stderr read as
/// they come: for tests that act while a run is in progress (Ctrl-C, stalling the target).
class LoadgateProcess {
 public:
  /// Starts it with `args`; `env` entries ("TMPDIR=/x") are set in the child only.
  /// Throws std::runtime_error when it cannot start.
  explicit LoadgateProcess(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});
  LoadgateProcess(const LoadgateProcess&) = delete;
  LoadgateProcess& operator=(const LoadgateProcess&) = delete;
  /// Kills and reaps a child still running.
  ~LoadgateProcess();
  /// Reads output until it contains `text`; false if the output ended or `timeout` passed
  /// (checked between reads) first.
  bool wait_for(const std::string& text, std::chrono::seconds timeout);
  /// Sends `sig` to the child.
  void signal(int sig);
  /// Reads the rest of the output and reaps the child; its exit code (128 + signal if killed).
  int finish();
  /// Everything read so far, stdout and stderr combined.
  const std::string& output() const { return output_; }
  /// The child's pid (-1 once reaped): to find the processes it started.
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int fd_ = -1;
  std::string output_;
};

/// The GoogleTest global environment main() registers.
class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace lg::test
