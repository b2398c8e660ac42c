#include "harness/db/cluster.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/core/clock.hpp"
#include "harness/core/errors.hpp"
#include "harness/db/connection.hpp"

namespace lg::db {
namespace fs = std::filesystem;

namespace {

constexpr const char* kUser = "loadgate";
constexpr int kPort = 5432;
// sockaddr_un.sun_path is 108 bytes; the socket is "<base>/.s.PGSQL.5432" (+ ".lock").
constexpr std::size_t kMaxSocketPath = 107;
constexpr const char* kSocketName = "/.s.PGSQL.5432.lock";
constexpr const char* kBaseTemplate = "/lg-XXXXXX";
constexpr std::string_view kBasePrefix = "lg-";
// Who owns a cluster directory: "<pid> <start time>" of the loadgate that made it, or "keep".
constexpr const char* kOwnerFile = "loadgate.owner";
constexpr Nanos kReadyTimeout = 60 * kNanosPerSecond;
constexpr Nanos kFastStopTimeout = 60 * kNanosPerSecond;
constexpr Nanos kQuitTimeout = 10 * kNanosPerSecond;

bool is_executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0; }

bool has_pg_programs(const fs::path& dir) {
  return is_executable(dir / "initdb") && is_executable(dir / "pg_ctl") &&
         is_executable(dir / "postgres");
}

// "15" -> 15.0, "9.6" -> 9.6; anything else sorts last.
double dir_version(const fs::path& bin_dir) {
  const std::string v = bin_dir.parent_path().filename().string();
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  return (end != v.c_str() && *end == '\0') ? d : -1;
}

std::vector<fs::path> versioned_bin_dirs() {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    dirs.push_back(entry.path() / "bin");
  }
  std::sort(dirs.begin(), dirs.end(),
            [](const fs::path& a, const fs::path& b) { return dir_version(a) > dir_version(b); });
  return dirs;
}

// initdb, pg_ctl and postgres must come from one directory so their versions match.
fs::path find_bin_dir() {
  std::vector<fs::path> candidates;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    for (std::string dir; std::getline(ss, dir, ':');) {
      if (!dir.empty()) candidates.emplace_back(dir);
    }
  }
  for (auto& d : versioned_bin_dirs()) candidates.push_back(std::move(d));
  for (const auto& dir : candidates) {
    if (has_pg_programs(dir)) return dir;
  }
  throw InfraError(
      "embedded cluster: initdb and pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin "
      "(install postgresql-15, e.g. with ci/install-deps.sh)");
}

ChildUser resolve_child_user() {
  ChildUser user;
  if (::geteuid() != 0) return user;
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) pw = ::getpwnam("nobody");
  if (pw == nullptr) {
    throw InfraError(
        "embedded cluster: running as root and neither user postgres nor nobody exists");
  }
  user.switch_user = true;
  user.uid = pw->pw_uid;
  user.gid = pw->pw_gid;
  int count = 32;
  user.groups.resize(count);
  while (::getgrouplist(pw->pw_name, pw->pw_gid, user.groups.data(), &count) < 0) {
    user.groups.resize(count);
  }
  user.groups.resize(count);
  return user;
}

// True when every ancestor of `dir` lets other users search it (so a dropped-privilege
// server can reach its data directory).
bool searchable_by_others(const fs::path& dir) {
  for (fs::path p = fs::absolute(dir);; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0) return false;
    if (p == p.root_path()) return true;
  }
}

// Field 22 of /proc/<pid>/stat (start time in clock ticks since boot): with the pid it names
// one process, so a pid reused by another process is not taken for the owner. 0 if unknown.
unsigned long long process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i < 22 && fields >> field; ++i) {
  }
  unsigned long long start = 0;
  fields >> start;
  return start;
}

bool process_alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// Marks `base` as this process's, before anything else is put in it.
void write_owner(const fs::path& base, bool keep) {
  std::ofstream out(base / kOwnerFile);
  if (keep) {
    out << "keep\n";
  } else {
    out << ::getpid() << ' ' << process_start_time(::getpid()) << '\n';
  }
}

// True when `base` holds an owner file naming a loadgate that is gone (never for "keep").
bool owner_is_gone(const fs::path& base) {
  std::ifstream in(base / kOwnerFile);
  long long pid = 0;
  unsigned long long start = 0;
  if (!(in >> pid) || pid <= 0) return false;  // no marker, or "keep": not ours to judge
  in >> start;
  if (!process_alive(static_cast<pid_t>(pid))) return true;
  const unsigned long long now = process_start_time(static_cast<pid_t>(pid));
  return start != 0 && now != 0 && now != start;  // the pid now belongs to another process
}

// Polls until `pid` (not our child) is gone or `timeout` passes.
bool wait_gone(pid_t pid, Nanos timeout) {
  const Nanos deadline = mono_now() + timeout;
  while (process_alive(pid)) {
    if (mono_now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The postmaster named by a stale postmaster.pid, stopped at once if it still runs and is a
// postgres whose data directory is `data` (a pid reused by anything else is left alone).
void stop_stale_postmaster(const fs::path& data) {
  std::ifstream in(data / "postmaster.pid");
  long long pid = 0;
  if (!(in >> pid) || pid <= 0 || !process_alive(static_cast<pid_t>(pid))) return;
  std::error_code ec;
  const auto cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
  if (ec || !fs::equivalent(cwd, data, ec)) return;
  ::kill(static_cast<pid_t>(pid), SIGQUIT);  // immediate shutdown: it also ends its backends
  if (!wait_gone(static_cast<pid_t>(pid), 5 * kNanosPerSecond)) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    wait_gone(static_cast<pid_t>(pid), 2 * kNanosPerSecond);
  }
}

// Removes the cluster directories under `root` left by a loadgate that was killed: only those
// with an owner file whose loadgate is gone; a live loadgate's directory is never touched.
void remove_stale_clusters(const fs::path& root) {
  std::error_code ec;
  std::vector<fs::path> stale;  // collected first: no removal while the folder is being read
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path dir = it->path();
    std::error_code type_ec;
    if (!dir.filename().string().starts_with(kBasePrefix) || !it->is_directory(type_ec)) continue;
    if (owner_is_gone(dir)) stale.push_back(dir);
  }
  for (const auto& dir : stale) {
    stop_stale_postmaster(dir / "data");
    fs::remove_all(dir, ec);
    if (ec) {
      std::fprintf(stderr, "loadgate: cannot remove %s, left by a killed run: %s\n", dir.c_str(),
                   ec.message().c_str());
    } else {
      std::fprintf(stderr, "loadgate: removed %s, an embedded cluster left by a killed run\n",
                   dir.c_str());
    }
  }
}

fs::path pick_tmp_root(const ChildUser& user) {
  const char* env = std::getenv("TMPDIR");
  if (env == nullptr || *env == '\0') return "/tmp";
  const fs::path root = fs::absolute(env);
  const std::size_t len =
      root.string().size() + std::strlen(kBaseTemplate) + std::strlen(kSocketName);
  if (len > kMaxSocketPath) return "/tmp";
  if (user.switch_user && !searchable_by_others(root)) return "/tmp";
  return root;
}

fs::path make_base_dir(const ChildUser& user, bool keep) {
  const fs::path root = pick_tmp_root(user);
  remove_stale_clusters(root);
  std::string tmpl = root.string();
  while (tmpl.size() > 1 && tmpl.back() == '/') tmpl.pop_back();
  tmpl += kBaseTemplate;
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw InfraError("embedded cluster: cannot create temp dir " + tmpl + ": " +
                     std::strerror(errno));
  }
  write_owner(tmpl, keep);
  if (user.switch_user && ::chown(tmpl.c_str(), user.uid, user.gid) != 0) {
    const std::string why = std::strerror(errno);
    fs::remove(tmpl);
    throw InfraError("embedded cluster: cannot chown " + tmpl + ": " + why);
  }
  return tmpl;
}

// Child side of spawn_child: only async-signal-safe calls between fork and exec.
// death_signal (0: none) is what the child gets when the thread that forked it dies, loadgate
// killed included (PR_SET_PDEATHSIG): it is set after the change of user, which clears it.
[[noreturn]] void exec_child(char* const* argv, const char* log, const char* cwd,
                             const ChildUser& user, int death_signal, pid_t parent) {
  const int fd = ::open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (fd < 0 || null_fd < 0) ::_exit(125);
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  // A long-lived postmaster must not hold copies of loadgate's sockets and files.
  ::close_range(3, ~0U, 0);
  ::setsid();
  if (user.switch_user) {
    // EPERM in some containers; the primary gid and uid still drop below.
    ::setgroups(user.groups.size(), user.groups.data());
    if (::setgid(user.gid) != 0 || ::setuid(user.uid) != 0) {
      static const char kMsg[] = "loadgate: cannot drop privileges\n";
      ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
      ::_exit(126);
    }
  }
  if (death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, death_signal);
    if (::getppid() != parent) ::_exit(124);  // the parent died before the line above
  }
  if (::chdir(cwd) != 0) ::_exit(125);
  ::execv(argv[0], argv);
  static const char kMsg[] = "loadgate: exec failed\n";
  ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  ::_exit(127);
}

// Starts argv[0] (absolute path) with stdout+stderr appended to `log`; returns its pid.
pid_t spawn_child(const std::vector<std::string>& args, const fs::path& log, const fs::path& cwd,
                  const ChildUser& user, int death_signal) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  const std::string cwd_path = cwd.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0)
    throw InfraError(std::string("embedded cluster: fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    exec_child(argv.data(), log_path.c_str(), cwd_path.c_str(), user, death_signal, parent);
  }
  return pid;
}

// Runs argv[0] to completion (see spawn_child); it dies with loadgate (SIGTERM).
// Returns the exit code, or 128 + signal number.
int run_child(const std::vector<std::string>& args, const fs::path& log, const fs::path& cwd,
              const ChildUser& user) {
  const pid_t pid = spawn_child(args, log, cwd, user, SIGTERM);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Last `n` non-empty lines of a log file, joined into one line.
std::string log_tail(const fs::path& log, std::size_t n = 4) {
  std::ifstream in(log);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    lines.push_back(line);
    if (lines.size() > n) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : " | ") + l;
  return out.empty() ? "(no log output)" : out;
}

std::string conninfo_value(const std::string& v) {
  const bool plain = !v.empty() && v.find_first_of(" '\\\t\n") == std::string::npos;
  if (plain) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void validate_setting_names(const ClusterOptions& options) {
  for (const auto& [key, value] : options.settings) {
    const bool ok = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '.';
    });
    if (!ok) throw InputError("database.settings", "invalid server setting name '" + key + "'");
  }
  if (options.dbname.empty()) throw InputError("database", "empty database name");
}

}  // namespace

EmbeddedCluster::EmbeddedCluster(ClusterOptions options) : options_(std::move(options)) {}

EmbeddedCluster::~EmbeddedCluster() { stop(); }

std::unique_ptr<EmbeddedCluster> EmbeddedCluster::start(const ClusterOptions& options) {
  validate_setting_names(options);
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster(options));
  cluster->bin_dir_ = find_bin_dir();
  cluster->user_ = resolve_child_user();
  cluster->base_ = make_base_dir(cluster->user_, options.keep);
  try {
    cluster->init_data_dir();
    cluster->start_server();
    cluster->dsn_ = cluster->dsn_for(options.dbname);
    cluster->create_database();
  } catch (const InfraError&) {
    cluster->discard();
    throw;
  } catch (const std::exception& e) {
    cluster->discard();
    throw InfraError(std::string("embedded cluster: ") + e.what());
  }
  return cluster;
}

std::string EmbeddedCluster::dsn_for(const std::string& dbname) const {
  return "host=" + conninfo_value(base_.string()) + " port=" + std::to_string(kPort) +
         " dbname=" + conninfo_value(dbname) + " user=" + kUser;
}

int EmbeddedCluster::run(const std::vector<std::string>& argv, const fs::path& log) const {
  return run_child(argv, log, base_, user_);
}

void EmbeddedCluster::init_data_dir() {
  const fs::path log = base_ / "initdb.log";
  const int rc = run({(bin_dir_ / "initdb").string(), "-D", data_dir().string(), "-U", kUser,
                      "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"},
                     log);
  if (rc != 0) {
    throw InfraError("embedded cluster: initdb failed (exit " + std::to_string(rc) +
                     "): " + log_tail(log));
  }
}

void EmbeddedCluster::start_server() {
  std::vector<std::string> args{(bin_dir_ / "postgres").string(),
                                "-D",
                                data_dir().string(),
                                "-c",
                                "listen_addresses=",
                                "-c",
                                "unix_socket_directories=" + base_.string(),
                                "-c",
                                "port=" + std::to_string(kPort),
                                "-c",
                                "max_connections=" + std::to_string(options_.max_connections)};
  for (const auto& [key, value] : options_.settings) {
    args.push_back("-c");
    args.push_back(key + "=" + value);
  }
  // postgres itself, not pg_ctl: pg_ctl's postmaster is a grandchild that no death signal
  // reaches. SIGQUIT is PostgreSQL's immediate shutdown: the postmaster ends its backends too.
  const fs::path server_log = base_ / "server.log";
  server_pid_ = spawn_child(args, server_log, base_, user_, options_.keep ? 0 : SIGQUIT);
  wait_ready(server_log);
}

void EmbeddedCluster::wait_ready(const fs::path& server_log) {
  const std::string dsn = dsn_for("postgres");
  const Nanos deadline = mono_now() + kReadyTimeout;
  while (PQping(dsn.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
      server_pid_ = -1;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      throw InfraError("embedded cluster: PostgreSQL failed to start (exit " +
                       std::to_string(code) + "): " + log_tail(server_log));
    }
    if (mono_now() >= deadline) {
      throw InfraError("embedded cluster: PostgreSQL not ready after 60 s: " +
                       log_tail(server_log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void EmbeddedCluster::create_database() {
  if (options_.dbname == "postgres") return;
  Connection conn = Connection::open(dsn_for("postgres"));
  conn.exec("CREATE DATABASE " + quote_ident(options_.dbname));
}

void EmbeddedCluster::shutdown_server() noexcept {
  if (server_pid_ <= 0) return;
  // SIGINT is a fast shutdown (clients disconnected, a checkpoint); SIGQUIT immediate; SIGKILL
  // the last resort. The server is our child, so waiting on it also reaps it.
  for (const auto& [sig, timeout] :
       {std::pair{SIGINT, kFastStopTimeout}, std::pair{SIGQUIT, kQuitTimeout},
        std::pair{SIGKILL, Nanos{0}}}) {
    ::kill(server_pid_, sig);
    const Nanos deadline = mono_now() + timeout;
    int status = 0;
    for (;;) {
      const pid_t r = ::waitpid(server_pid_, &status, sig == SIGKILL ? 0 : WNOHANG);
      if (r == server_pid_ || (r < 0 && errno != EINTR)) {
        server_pid_ = -1;
        return;
      }
      if (r == 0 && mono_now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

void EmbeddedCluster::discard() noexcept {
  stopped_ = true;
  shutdown_server();
  std::error_code ec;
  fs::remove_all(base_, ec);
}

void EmbeddedCluster::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  if (options_.keep) return;
  discard();
}

}  // namespace lg::db
