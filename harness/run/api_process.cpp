#include "harness/run/api_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/core/errors.hpp"

extern char** environ;

namespace lg::run {
namespace {

constexpr std::string_view kListening = "listening on ";

std::string log_tail(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last.empty() ? "" : " (log: " + last + ")";
}

std::vector<std::string> arguments(const ApiOptions& o, const std::string& binary) {
  return {binary,
          "--dsn",
          o.conninfo,
          "--option",
          std::string(1, o.option),
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--pool",
          std::to_string(o.pool),
          "--threads",
          std::to_string(o.threads),
          "--mv-rollout-percent",
          std::to_string(o.mv_rollout_percent)};
}

// Reads from `fd` until a full line arrives or `deadline` passes; "" when none.
std::string read_line(int fd, Nanos deadline) {
  std::string buf;
  while (buf.find('\n') == std::string::npos) {
    const Nanos left = deadline - mono_now();
    if (left <= 0) return "";
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left / 1'000'000) + 1) <= 0) continue;
    char chunk[256];
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return "";
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  return buf.substr(0, buf.find('\n'));
}

}  // namespace

std::filesystem::path catalog_api_binary() {
  if (const char* env = std::getenv("LOADGATE_CATALOG_API"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "catalog-api";
    if (std::filesystem::exists(beside, ec)) return beside;
  }
  return "catalog-api";
}

ApiProcess::ApiProcess(const ApiOptions& options, Nanos wait) {
  const std::string binary = catalog_api_binary().string();
  const auto args = arguments(options, binary);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw InfraError("catalog-api: pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, options.log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own session: a terminal's Ctrl-C reaches loadgate, which then stops it in order.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  const int rc = ::posix_spawnp(&pid_, binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    pid_ = -1;
    throw InfraError("cannot start " + binary + ": " + std::strerror(rc));
  }
  stdout_fd_ = out[0];
  const std::string line = read_line(stdout_fd_, mono_now() + wait);
  const auto at = line.find(kListening);
  if (at == std::string::npos) {
    stop();
    throw InfraError("catalog-api (option " + std::string(1, options.option) + ") did not start" +
                     log_tail(options.log));
  }
  base_url_ = line.substr(at + kListening.size());
}

ApiProcess::~ApiProcess() { stop(); }

void ApiProcess::stop() noexcept {
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 1000; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace lg::run
