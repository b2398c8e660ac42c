#pragma once
// Integration-test fixture: ONE embedded PostgreSQL cluster for the whole test binary
// (max_connections 64), started by a GoogleTest global Environment (main.cpp) and stopped at
// exit. When the process is root the server runs as an unprivileged user (see cluster.hpp);
// tests connect over its private unix socket either way.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/db/cluster.hpp"

namespace lg::test {

/// DSN of the fixture cluster's "loadgate" database. Empty before the environment's SetUp.
const std::string& dsn();

/// The fixture cluster itself (e.g. for dsn_for). Aborts the test if it did not start.
const db::EmbeddedCluster& cluster();

/// (Re)creates database `name` in the fixture cluster (dropping any previous one, so each
/// suite starts clean) and returns its DSN. Throws DbError / InfraError.
std::string fresh_database(const std::string& name);

/// Runs the loadgate CLI (path from the LOADGATE_BINARY macro) with `args`, captures stdout and
/// stderr combined into *output (if not null) and returns the exit code (128 + signal when
/// killed). Returns -1 when the binary does not exist.
int run_loadgate(const std::vector<std::string>& args, std::string* output);

/// The GoogleTest global environment main() registers.
class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace lg::test
