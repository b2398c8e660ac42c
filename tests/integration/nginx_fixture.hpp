#pragma once
// Test and benchmark fixture: Debian's nginx as a child process on 127.0.0.1, tuned like a
// load-test target (keep-alive unbounded, no access log, thousands of connections), with
// everything it writes in a private directory. A fast, known-good HTTP server, so that driver
// tests measure the driver and not the target.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace lg::test {

/// How a NginxServer is configured. The defaults suit a load test.
struct NginxOptions {
  std::string binary = "/usr/sbin/nginx";
  int workers = 1;                         ///< worker_processes
  long keepalive_requests = 1'000'000;     ///< requests per connection before nginx closes it
  std::string keepalive_timeout = "300s";  ///< idle time before nginx closes a connection
  /// nginx.conf text inserted into the server block, e.g. more `location` blocks. Relative
  /// file paths resolve against the prefix directory (dir()); `root` is html_dir().
  std::string extra_config;
};

/// nginx serving, on http://127.0.0.1:<port()>:
///   GET /product     200, product_json() as application/json
///   GET /status/503  503
///   any other path   a file under html_dir(), else 404
/// Files written to html_dir() while it runs are served at once.
class NginxServer {
 public:
  /// Writes the configuration into a fresh temp directory, starts nginx (daemon off, its own
  /// process group) on a free port and waits up to 10 s until the port accepts connections.
  /// Throws std::runtime_error with the tail of nginx's error log if it does not come up.
  explicit NginxServer(NginxOptions options = {});
  /// Stops nginx (SIGTERM; SIGKILL to its process group after 5 s) and removes the directory.
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  /// "http://127.0.0.1:<port>".
  std::string base_url() const;
  int port() const { return port_; }
  /// The nginx prefix directory (nginx.conf, error.log, temp paths).
  const std::filesystem::path& dir() const { return dir_; }
  /// The document root.
  std::filesystem::path html_dir() const { return dir_ / "html"; }
  /// The body of GET /product: a product page of a few hundred bytes with "success": true.
  static std::string_view product_json();

 private:
  bool start_once(const NginxOptions& options);
  void stop() noexcept;
  std::string log_tail() const;

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace lg::test
