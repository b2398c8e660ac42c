#include "tests/integration/nginx_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/integration/pg_fixture.hpp"

extern char** environ;

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kProductJson = R"({
  "success": true,
  "data": {
    "id": 4217,
    "slug": "trail-runner-gtx-4217",
    "name": "Trail Runner GTX",
    "category": {"id": 12, "name": "Running shoes"},
    "price": 129.90,
    "currency": "EUR",
    "stock": 37,
    "rating": 4.6,
    "reviews": 214,
    "tags": ["waterproof", "trail", "lightweight"],
    "updated_at": "2026-11-30T08:15:00Z"
  }
}
)";

constexpr int kAttempts = 3;
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr auto kPoll = std::chrono::milliseconds(20);

// A port the kernel just handed out and released. Another process may take it before nginx
// binds it: the constructor retries on "Address already in use".
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("no free port on 127.0.0.1");
  return ntohs(addr.sin_port);
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// As root nginx may raise its workers' limit past ours; otherwise it can reach our hard limit.
long nofile_limit() {
  constexpr long kWanted = 65536;
  if (::geteuid() == 0) return kWanted;
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max == RLIM_INFINITY) return kWanted;
  return std::min<long>(kWanted, static_cast<long>(rl.rlim_max));
}

std::string config(const NginxOptions& o, const fs::path& dir, int port) {
  const long nofile = nofile_limit();
  const std::string d = dir.string();
  std::ostringstream c;
  // Root runs CI: workers drop to nobody, which is why the directory is world-readable.
  if (::geteuid() == 0) c << "user nobody nogroup;\n";
  c << "daemon off;\nmaster_process on;\nworker_processes " << o.workers << ";\n"
    << "worker_rlimit_nofile " << nofile << ";\n"
    << "pid " << d << "/nginx.pid;\nerror_log " << d << "/error.log warn;\n"
    << "events {\n  worker_connections " << std::max(1024L, std::min(16384L, nofile - 64))
    << ";\n  multi_accept on;\n}\n"
    << "http {\n  access_log off;\n  default_type application/octet-stream;\n"
    << "  sendfile on;\n  tcp_nodelay on;\n"
    << "  keepalive_requests " << o.keepalive_requests << ";\n"
    << "  keepalive_timeout " << o.keepalive_timeout << ";\n";
  for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    c << "  " << t << "_temp_path " << d << "/" << t << "_temp;\n";
  }
  c << "  server {\n    listen 127.0.0.1:" << port << " backlog=4096;\n"
    << "    server_name _;\n    root " << d << "/html;\n"
    << "    location = /product {\n      default_type application/json;\n"
    << "      alias " << d << "/html/product.json;\n    }\n"
    << "    location = /status/503 {\n      return 503;\n    }\n"
    << o.extra_config << "\n  }\n}\n";
  return c.str();
}

void write_file(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string tail_of(const fs::path& path, std::size_t max_chars) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > max_chars ? text.substr(text.size() - max_chars) : text;
}

pid_t spawn(const std::string& binary, const fs::path& dir) {
  const std::string prefix = dir.string() + "/";
  const std::string conf = (dir / "nginx.conf").string();
  const std::string log = (dir / "error.log").string();
  const std::string out = (dir / "stderr.log").string();
  std::vector<std::string> args{binary, "-p", prefix, "-c", conf, "-e", log};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // Its own process group, so that a hung master's workers can be killed with it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
  return pid;
}

}  // namespace

NginxServer::NginxServer(NginxOptions options) : dir_(make_temp_dir("nginx")) {
  try {
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    fs::create_directory(html_dir());
    write_file(html_dir() / "product.json", kProductJson);
    for (int i = 0; i < kAttempts; ++i) {
      if (start_once(options)) return;
    }
    throw std::runtime_error("nginx: no free port after " + std::to_string(kAttempts) +
                             " attempts:\n" + log_tail());
  } catch (...) {
    stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    throw;
  }
}

NginxServer::~NginxServer() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string NginxServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string_view NginxServer::product_json() { return kProductJson; }

// True once the port accepts connections; false if nginx exited because the port was taken.
bool NginxServer::start_once(const NginxOptions& options) {
  port_ = free_port();
  write_file(dir_ / "nginx.conf", config(options, dir_, port_));
  pid_ = spawn(options.binary, dir_);
  const auto deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      const std::string tail = log_tail();
      if (tail.find("Address already in use") != std::string::npos) return false;
      throw std::runtime_error("nginx exited at start (status " + std::to_string(status) + "):\n" +
                               tail);
    }
    if (accepts(port_)) return true;
    std::this_thread::sleep_for(kPoll);
  }
  throw std::runtime_error("nginx did not accept connections on port " + std::to_string(port_) +
                           " within 10 s:\n" + log_tail());
}

void NginxServer::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + kStopTimeout;
  int status = 0;
  while (Clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(kPoll);
  }
  // The master is still alive, so its process group is still nginx's own.
  ::kill(-pid_, SIGKILL);
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string NginxServer::log_tail() const {
  constexpr std::size_t kTail = 2000;
  return tail_of(dir_ / "error.log", kTail) + tail_of(dir_ / "stderr.log", kTail);
}

}  // namespace lg::test
