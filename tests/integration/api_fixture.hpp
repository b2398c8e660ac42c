#pragma once
// catalog-api as a child process for the tests that drive the real server (the integration
// tests of its endpoints, the fault tests of its pool): started from CATALOG_API_BINARY, its
// "listening" line awaited, its replies decoded.

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lg::test {

/// catalog-api running in the background; SIGTERM and reaped on destruction.
class ApiProcess {
 public:
  /// Starts it with `args` and waits up to 15 s for its "listening" line. Throws
  /// std::runtime_error (with its stdout) if the line never comes.
  explicit ApiProcess(const std::vector<std::string>& args);
  ApiProcess(const ApiProcess&) = delete;
  ApiProcess& operator=(const ApiProcess&) = delete;
  ~ApiProcess();

  int port() const { return port_; }
  /// SIGTERM, then its exit code (128 + signal when killed; SIGKILL after 10 s: a hang is a
  /// failure, not a stuck suite).
  int stop();
  /// True while the process has not exited.
  bool alive() const;

 private:
  int pid_ = -1;
  int fd_ = -1;
  int port_ = 0;
};

/// Runs catalog-api to completion (for start-up failures), at most 15 s of output; its stdout
/// and stderr into *output (may be null). Returns the exit code, -1 if it could not start.
int run_api_to_exit(const std::vector<std::string>& args, std::string* output);

/// One HTTP answer, decoded.
struct Reply {
  int status = 0;  ///< 0: no response at all
  std::string body;
  nlohmann::json doc;  ///< discarded() when the body is not JSON
  std::string source;  ///< X-Read-Source
  std::string content_type;
};

/// Decodes a cpp-httplib result (status 0 when there was no response).
Reply to_reply(const httplib::Result& r);

/// A keep-alive client of 127.0.0.1:`port` with TCP_NODELAY (else Nagle holds a POST body back
/// for the delayed ACK, 40 ms) and a 15 s read timeout.
std::unique_ptr<httplib::Client> make_client(int port);

}  // namespace lg::test
