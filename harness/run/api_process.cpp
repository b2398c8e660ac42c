#include "harness/run/api_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/core/errors.hpp"

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
          o.option,
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

// Child side of the fork: only async-signal-safe calls before exec. stdout to the pipe, stderr
// to the log; its own session, so a terminal's Ctrl-C reaches loadgate, which then stops it in
// order; SIGTERM when loadgate dies (PR_SET_PDEATHSIG), so a killed run leaves no listener.
[[noreturn]] void exec_api(char* const* argv, int out_fd, const char* log, pid_t parent) {
  const int log_fd = ::open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(log_fd, STDERR_FILENO) < 0) {
    ::_exit(125);
  }
  ::setsid();
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(124);  // loadgate died before the line above
  ::execvp(argv[0], argv);
  static const char kMsg[] = "catalog-api: exec failed\n";
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  ::_exit(127);
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
  const std::string log = options.log.string();
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) exec_api(argv.data(), out[1], log.c_str(), parent);
  const int fork_errno = errno;
  ::close(out[1]);
  if (pid_ < 0) {
    ::close(out[0]);
    pid_ = -1;
    throw InfraError("cannot start " + binary + ": " + std::strerror(fork_errno));
  }
  stdout_fd_ = out[0];
  const std::string line = read_line(stdout_fd_, mono_now() + wait);
  const auto at = line.find(kListening);
  if (at == std::string::npos) {
    stop();
    throw InfraError("catalog-api (option " + options.option + ") did not start" +
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

void ApiProcess::stop(background::StopMode) {
  exited();
  stop();
}

background::Health ApiProcess::health() {
  const std::string how = exited();
  return {how.empty(), how};
}

std::string ApiProcess::exited() noexcept {
  if (pid_ <= 0) return exit_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return "";
  pid_ = -1;
  exit_ = WIFSIGNALED(status)
              ? "catalog-api was killed by signal " + std::to_string(WTERMSIG(status))
              : "catalog-api exited with status " + std::to_string(WEXITSTATUS(status));
  return exit_;
}

}  // namespace lg::run
