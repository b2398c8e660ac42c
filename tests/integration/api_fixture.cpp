#include "tests/integration/api_fixture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <regex>
#include <stdexcept>
#include <thread>

#ifndef CATALOG_API_BINARY
#define CATALOG_API_BINARY ""
#endif

namespace lg::test {
namespace {

using Clock = std::chrono::steady_clock;

/// argv for execv, built before fork: the child of a threaded process may only call
/// async-signal-safe functions, so no allocation happens after fork.
class Argv {
 public:
  explicit Argv(const std::vector<std::string>& args) : strings_{CATALOG_API_BINARY} {
    strings_.insert(strings_.end(), args.begin(), args.end());
    for (auto& a : strings_) pointers_.push_back(a.data());
    pointers_.push_back(nullptr);
  }
  char* const* get() const { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

[[noreturn]] void exec_api(const Argv& argv, int out_fd, bool merge_stderr) {
  ::dup2(out_fd, STDOUT_FILENO);
  if (merge_stderr) ::dup2(out_fd, STDERR_FILENO);
  ::close(out_fd);
  ::execv(argv.get()[0], argv.get());
  ::_exit(127);
}

int wait_exit_code(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Reads from fd until `done(text)` or the deadline; false on EOF or timeout.
template <class Done>
bool read_until(int fd, std::string& text, Clock::time_point deadline, Done done) {
  char buf[4096];
  while (!done(text)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    text.append(buf, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

ApiProcess::ApiProcess(const std::vector<std::string>& args) {
  const Argv argv(args);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) exec_api(argv, fds[1], false);
  ::close(fds[1]);
  fd_ = fds[0];
  static const std::regex kLine(R"(catalog-api listening on http://127\.0\.0\.1:(\d+)\n)");
  std::string out;
  std::smatch m;
  read_until(fd_, out, Clock::now() + std::chrono::seconds(15),
             [&](const std::string& t) { return std::regex_search(t, m, kLine); });
  if (m.empty()) {
    stop();
    throw std::runtime_error("catalog-api did not start; stdout: " + out);
  }
  port_ = std::stoi(m[1]);
}

ApiProcess::~ApiProcess() {
  if (pid_ > 0) stop();
}

int ApiProcess::stop() {
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) ::kill(pid_, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  ::close(fd_);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ApiProcess::alive() const {
  return ::kill(pid_, 0) == 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0;
}

int run_api_to_exit(const std::vector<std::string>& args, std::string* output) {
  const Argv argv(args);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  const int pid = ::fork();
  if (pid == 0) exec_api(argv, fds[1], true);
  ::close(fds[1]);
  std::string out;
  read_until(fds[0], out, Clock::now() + std::chrono::seconds(15),
             [](const std::string&) { return false; });
  ::close(fds[0]);
  if (output) *output = out;
  return wait_exit_code(pid);
}

Reply to_reply(const httplib::Result& r) {
  Reply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.doc = nlohmann::json::parse(r->body, nullptr, false);
  out.source = r->get_header_value("X-Read-Source");
  out.content_type = r->get_header_value("Content-Type");
  return out;
}

std::unique_ptr<httplib::Client> make_client(int port) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);
  c->set_read_timeout(15, 0);
  return c;
}

}  // namespace lg::test
