#include "tests/integration/pg_fixture.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "harness/db/connection.hpp"

#ifndef LOADGATE_BINARY
#define LOADGATE_BINARY ""
#endif

namespace lg::test {
namespace {

std::unique_ptr<db::EmbeddedCluster>& fixture_cluster() {
  static std::unique_ptr<db::EmbeddedCluster> cluster;
  return cluster;
}

const std::string kNoDsn;

[[noreturn]] void exec_loadgate(char* const* argv, int out_fd) {
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(out_fd, STDERR_FILENO);
  ::close(out_fd);
  ::execv(argv[0], argv);
  ::_exit(127);
}

std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return out;
    }
  }
}

}  // namespace

void PgEnvironment::SetUp() {
  db::ClusterOptions options;
  options.max_connections = 64;
  try {
    fixture_cluster() = db::EmbeddedCluster::start(options);
  } catch (const std::exception& e) {
    GTEST_FAIL() << "fixture cluster did not start: " << e.what();
  }
}

void PgEnvironment::TearDown() {
  if (fixture_cluster()) fixture_cluster()->stop();
  fixture_cluster().reset();
}

const std::string& dsn() { return fixture_cluster() ? fixture_cluster()->dsn() : kNoDsn; }

const db::EmbeddedCluster& cluster() {
  if (!fixture_cluster()) {
    ADD_FAILURE() << "fixture cluster is not running";
    std::abort();
  }
  return *fixture_cluster();
}

std::filesystem::path make_temp_dir(const std::string& tag) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("lgtest-" + tag + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::filesystem::path only_run(const std::filesystem::path& results) {
  std::vector<std::filesystem::path> runs;
  for (const auto& e : std::filesystem::directory_iterator(results)) runs.push_back(e.path());
  if (runs.size() != 1) throw std::runtime_error("expected one run folder in " + results.string());
  return runs[0];
}

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

std::string fresh_database(const std::string& name) {
  db::Connection admin = db::Connection::open(cluster().dsn_for("postgres"));
  if (admin.scalar("SELECT 1 FROM pg_database WHERE datname = $1", {name})) {
    admin.exec("DROP DATABASE " + db::quote_ident(name) + " WITH (FORCE)");
  }
  admin.exec("CREATE DATABASE " + db::quote_ident(name));
  return cluster().dsn_for(name);
}

LoadgateProcess::LoadgateProcess(const std::vector<std::string>& args,
                                 const std::vector<std::string>& env) {
  std::vector<std::string> all{LOADGATE_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    exec_loadgate(argv.data(), fds[1]);
  }
  ::close(fds[1]);
  fd_ = fds[0];
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

LoadgateProcess::~LoadgateProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    finish();
  }
  if (fd_ >= 0) ::close(fd_);
}

bool LoadgateProcess::wait_for(const std::string& text, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (output_.find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n > 0) {
      output_.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return false;
    }
  }
  return true;
}

void LoadgateProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int LoadgateProcess::finish() {
  if (fd_ >= 0) {
    output_ += drain(fd_);
    ::close(fd_);
    fd_ = -1;
  }
  int status = 0;
  while (pid_ > 0 && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_loadgate(const std::vector<std::string>& args, std::string* output) {
  if (::access(LOADGATE_BINARY, X_OK) != 0) return -1;
  LoadgateProcess process(args);
  const int code = process.finish();
  if (output != nullptr) *output = process.output();
  return code;
}

nlohmann::json run_scenario_summary(const std::string& dsn, const std::filesystem::path& dir,
                                    const std::string& scenario) {
  std::ofstream(dir / "s.toml") << scenario;
  const std::filesystem::path results = dir / "results";
  std::filesystem::remove_all(results);
  std::string out;
  EXPECT_EQ(run_loadgate({"run", (dir / "s.toml").string(), "--dsn", dsn, "--mark-db",
                          "--results-dir", results.string()},
                         &out),
            0)
      << out;
  std::ifstream in(std::filesystem::directory_iterator(results)->path() / "summary.json");
  return nlohmann::json::parse(in);
}

}  // namespace lg::test
