// Embedded cluster, safety guard and environment capture, against real PostgreSQL.
// Runs as root or not: as root the cluster's server runs as an unprivileged user.

#include "harness/db/cluster.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "harness/core/errors.hpp"
#include "harness/db/connection.hpp"
#include "harness/db/environment.hpp"
#include "harness/db/guard.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::db {
namespace {

namespace fs = std::filesystem;

std::string select_one(const std::string& dsn) {
  return Connection::open(dsn).scalar("SELECT 1").value_or("");
}

// Waits up to `seconds` for `done`, polling every 50 ms.
template <class F>
bool eventually(F done, int seconds = 30) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Sets TMPDIR for one scope (tests are single-threaded).
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const fs::path& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (old_.empty()) {
      ::unsetenv("TMPDIR");
    } else {
      ::setenv("TMPDIR", old_.c_str(), 1);
    }
  }

 private:
  std::string old_;
};

TEST(EmbeddedCluster, FixtureAnswersOverItsSocketOnly) {
  ASSERT_FALSE(test::dsn().empty());
  Connection conn = Connection::open(test::dsn());
  EXPECT_EQ(conn.scalar("SELECT 1"), "1");
  EXPECT_EQ(conn.scalar("SELECT current_user"), "loadgate");
  EXPECT_EQ(conn.scalar("SELECT current_database()"), "loadgate");
  EXPECT_EQ(conn.scalar("SHOW listen_addresses"), "");
  EXPECT_EQ(conn.scalar("SHOW max_connections"), "64");
}

TEST(EmbeddedCluster, ServerNeverRunsAsRoot) {
  struct stat st {};
  ASSERT_EQ(::stat(test::cluster().data_dir().c_str(), &st), 0);
  EXPECT_NE(st.st_uid, 0u) << "the data directory (and so the server) must not belong to root";
  if (::geteuid() != 0) {
    EXPECT_EQ(st.st_uid, ::geteuid());
  }
}

TEST(EmbeddedCluster, DsnUsesThePrivateSocketDirAndNoPassword) {
  const std::string& dsn = test::dsn();
  const fs::path base = test::cluster().base_dir();
  EXPECT_EQ(dsn, "host=" + base.string() + " port=5432 dbname=loadgate user=loadgate");
  EXPECT_EQ(dsn.find("password"), std::string::npos);
  EXPECT_TRUE(fs::exists(base / ".s.PGSQL.5432"));
  EXPECT_LE((base / ".s.PGSQL.5432.lock").string().size(), 107u);
}

TEST(EmbeddedCluster, SecondClusterRunsBesideFixtureWithItsSettings) {
  ClusterOptions options;
  options.dbname = "second";
  options.max_connections = 20;
  options.settings = {{"work_mem", "8MB"}, {"jit", "off"}};
  auto second = EmbeddedCluster::start(options);
  EXPECT_NE(second->base_dir(), test::cluster().base_dir());
  EXPECT_EQ(select_one(second->dsn()), "1");
  EXPECT_EQ(select_one(test::dsn()), "1");
  Connection conn = Connection::open(second->dsn());
  EXPECT_EQ(conn.scalar("SELECT current_database()"), "second");
  EXPECT_EQ(conn.scalar("SHOW work_mem"), "8MB");
  EXPECT_EQ(conn.scalar("SHOW jit"), "off");
  EXPECT_EQ(conn.scalar("SHOW max_connections"), "20");
  EXPECT_EQ(second->options().settings, options.settings);
}

TEST(EmbeddedCluster, StopShutsDownAndRemovesBaseDir) {
  auto cluster = EmbeddedCluster::start({});
  const fs::path base = cluster->base_dir();
  const std::string dsn = cluster->dsn();
  ASSERT_EQ(select_one(dsn), "1");
  cluster->stop();
  EXPECT_FALSE(fs::exists(base));
  EXPECT_THROW(Connection::open(dsn), InfraError);
  cluster->stop();  // idempotent
}

TEST(EmbeddedCluster, KeepLeavesServerRunning) {
  ClusterOptions options;
  options.keep = true;
  fs::path base;
  {
    auto cluster = EmbeddedCluster::start(options);
    base = cluster->base_dir();
    cluster->stop();
  }  // the destructor must not stop it either
  ASSERT_TRUE(fs::exists(base / "data" / "postmaster.pid"));
  EXPECT_EQ(select_one("host=" + base.string() + " port=5432 dbname=loadgate user=loadgate"), "1");

  // Clean up by hand, as a user of --keep-db would: fast shutdown, then delete.
  std::ifstream pid_file(base / "data" / "postmaster.pid");
  pid_t pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  EXPECT_TRUE(eventually([&] { return !fs::exists(base / "data" / "postmaster.pid"); }));
  fs::remove_all(base);
}

TEST(EmbeddedCluster, FailedStartSaysWhyAndLeavesNothingBehind) {
  char tmpl[] = "/tmp/lgt-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const fs::path tmp(tmpl);
  fs::permissions(tmp, fs::perms::all, fs::perm_options::add);  // reachable when root drops
  {
    ScopedTmpdir scoped(tmp);
    ClusterOptions options;
    options.settings = {{"shared_buffers", "plenty"}};
    try {
      EmbeddedCluster::start(options);
      ADD_FAILURE() << "start should have failed";
    } catch (const InfraError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("shared_buffers"), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  EXPECT_TRUE(fs::is_empty(tmp)) << "temp dir left behind in " << tmp;
  fs::remove_all(tmp);
}

TEST(EmbeddedCluster, RejectsMalformedSettingName) {
  ClusterOptions options;
  options.settings = {{"work_mem=1; rm", "x"}};
  EXPECT_THROW(EmbeddedCluster::start(options), InputError);
}

class GuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = std::make_unique<Connection>(Connection::open(test::fresh_database("guard_test")));
    conn_->exec(
        "CREATE TABLE public.user_products(id int PRIMARY KEY, name text);"
        "INSERT INTO public.user_products SELECT g, 'p' || g FROM generate_series(1, 10) g");
  }
  std::unique_ptr<Connection> conn_;
};

TEST_F(GuardTest, UnmarkedDatabaseIsRefusedWithoutMarkDb) {
  EXPECT_FALSE(is_marked(*conn_));
  try {
    ensure_marked(*conn_, false, "host=db.example dbname=shop password=hunter2");
    FAIL() << "ensure_marked must refuse an unmarked database";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--mark-db"), std::string::npos) << what;
    EXPECT_NE(what.find("db.example"), std::string::npos) << what;
    EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
  }
  EXPECT_FALSE(is_marked(*conn_));
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'loadgate%'"), "0");
  EXPECT_THROW(drop_schema(*conn_, "loadgate_a"), InputError);
}

TEST_F(GuardTest, MarkDbMarksOnce) {
  ensure_marked(*conn_, true, "dbname=guard_test");
  EXPECT_TRUE(is_marked(*conn_));
  ensure_marked(*conn_, true, "dbname=guard_test");
  ensure_marked(*conn_, false, "dbname=guard_test");  // marked: no flag needed any more
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM loadgate_meta.marker"), "1");
}

TEST_F(GuardTest, DropSchemaTouchesOnlyLoadgateSchemas) {
  ensure_marked(*conn_, true, "dbname=guard_test");
  for (const char* s : {"loadgate_a", "loadgate_b", "loadgate_c"}) {
    conn_->exec(std::string("CREATE SCHEMA ") + s + "; CREATE TABLE " + s +
                ".products(id int REFERENCES public.user_products(id))");
  }
  for (const char* schema : {"loadgate_a", "loadgate_b", "loadgate_c"}) drop_schema(*conn_, schema);
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM pg_namespace WHERE nspname ~ '^loadgate_[abc]$'"),
            "0");
  EXPECT_EQ(conn_->scalar("SELECT count(*) FROM public.user_products"), "10");
  EXPECT_TRUE(is_marked(*conn_));
  EXPECT_THROW(drop_schema(*conn_, "loadgate_meta"), std::invalid_argument);
  EXPECT_THROW(drop_schema(*conn_, "public"), std::invalid_argument);
}

TEST(Environment, CapturesResultSettingsHostAndVersion) {
  Connection conn = Connection::open(test::dsn());
  const nlohmann::json env = capture_environment(conn);
  for (const char* name : kResultSettings) {
    ASSERT_TRUE(env["settings"].contains(name)) << name;
    EXPECT_TRUE(env["settings"][name].is_object()) << name << " missing on PostgreSQL 15";
  }
  EXPECT_EQ(env["settings"]["shared_buffers"]["unit"], "8kB");
  EXPECT_EQ(env["settings"]["max_connections"]["value"], "64");
  EXPECT_TRUE(env["settings"]["jit"]["unit"].is_null());
  EXPECT_EQ(env["postgres"]["server_version_num"], conn.server_version());
  EXPECT_NE(env["postgres"]["version"].get<std::string>().find("PostgreSQL"), std::string::npos);
  EXPECT_GT(env["host"]["cores"].get<int>(), 0);
  EXPECT_GT(env["host"]["mem_total_bytes"].get<std::int64_t>(), 0);
  EXPECT_EQ(env["host"]["sysname"], "Linux");
  EXPECT_TRUE(env["loadgate"]["git_commit"].is_string());
}

TEST(Environment, BufferStatsCountReadsOfThisAndOtherConnections) {
  const std::string dsn = test::fresh_database("buffer_test");
  Connection conn = Connection::open(dsn);
  conn.exec(
      "CREATE TABLE t AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 5000) g");
  const BufferStats before = buffer_stats(conn);
  conn.exec("SELECT count(*) FROM t");
  const BufferStats mid = buffer_stats(conn);
  EXPECT_GT(mid.blks_hit + mid.blks_read, before.blks_hit + before.blks_read);

  Connection::open(dsn).exec("SELECT count(*) FROM t");  // another backend, then disconnects
  EXPECT_TRUE(eventually([&] {
    const BufferStats after = buffer_stats(conn);
    return after.blks_hit + after.blks_read > mid.blks_hit + mid.blks_read;
  }));
  EXPECT_TRUE(hit_ratio(before, mid).has_value());
}

TEST(Environment, HitRatioIsUndefinedWithoutAccesses) {
  EXPECT_EQ(hit_ratio({100, 10}, {100, 10}), std::nullopt);
  EXPECT_EQ(hit_ratio({100, 10}, {50, 10}), std::nullopt);  // stats reset in between
  EXPECT_DOUBLE_EQ(hit_ratio({100, 10}, {130, 20}).value(), 0.75);
  EXPECT_DOUBLE_EQ(hit_ratio({0, 0}, {0, 4}).value(), 0.0);
}

}  // namespace
}  // namespace lg::db
