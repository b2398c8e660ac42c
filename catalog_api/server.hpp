#pragma once
// The cpp-httplib server of catalog-api, tuned to be a load-test target rather than to keep
// cpp-httplib 0.11's defaults (its README, 0.11.x).

#include <httplib.h>

#include <atomic>
#include <string>

#include "catalog_api/routes.hpp"

namespace lg::api {

/// Listening and threading settings.
struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 0;      ///< 0: the kernel picks a free port
  int threads = 64;  ///< worker threads = most keep-alive connections served at once
};

/// One tuned cpp-httplib server with every route registered.
class ApiServer {
 public:
  /// Registers the routes of `app` (which must outlive the server) and applies the tuning.
  ApiServer(AppState& app, ServerConfig cfg);

  /// Binds host:port, raises the listen backlog to SOMAXCONN and returns the bound port.
  /// Throws std::runtime_error when the address cannot be bound.
  int bind();
  /// Serves until stop(); call after bind(). Returns false if the accept loop failed.
  bool run();
  /// Stops accepting and makes run() return once open connections finish. Thread-safe.
  void stop() { server_.stop(); }

 private:
  void tune();

  httplib::Server server_;
  ServerConfig cfg_;
  std::atomic<int> listen_fd_{-1};
};

}  // namespace lg::api
