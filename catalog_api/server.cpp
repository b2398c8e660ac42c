#include "catalog_api/server.hpp"

#include <sys/socket.h>

#include <stdexcept>

#include "catalog_api/http_util.hpp"

namespace lg::api {
namespace {

// Long enough that a load generator's connections are never closed under it mid-run.
constexpr std::size_t kKeepAliveMaxCount = std::size_t{1} << 30;
constexpr time_t kKeepAliveTimeoutS = 60;
constexpr time_t kReadTimeoutS = 10;
constexpr time_t kWriteTimeoutS = 10;

}  // namespace

ApiServer::ApiServer(AppState& app, ServerConfig cfg) : cfg_(std::move(cfg)) {
  tune();
  register_routes(server_, app);
}

// Every setting below replaces a cpp-httplib 0.11 default that would distort measurements.
//
// Not tunable here: the Debian .so is built without CPPHTTPLIB_USE_POLL, so the server waits
// on sockets with select(), which cannot watch a descriptor >= FD_SETSIZE (1024). Above about
// a thousand open connections per process, requests on the excess ones fail; load tests of
// catalog-api stay below that.
void ApiServer::tune() {
  // cpp-httplib serves one connection per pool thread for the whole keep-alive session
  // (#2076): connections beyond --threads wait in the queue unserved, so --threads must be at
  // least the client's connection count. The default pool is max(8, cores - 1) threads.
  const auto threads = static_cast<std::size_t>(cfg_.threads);
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Default 5 requests per connection: the client would reconnect every 5th request.
  server_.set_keep_alive_max_count(kKeepAliveMaxCount);
  // Default 5 s idle: a slow open-model phase would see reconnects. (An idle connection costs
  // its thread a select() wake-up every 10 ms inside cpp-httplib's keep-alive wait.)
  server_.set_keep_alive_timeout(kKeepAliveTimeoutS);
  // Default off: Nagle + delayed ACK add up to 40 ms to small responses. Set on the listening
  // socket; Linux copies it to every accepted socket.
  server_.set_tcp_nodelay(true);
  // Reading a request / writing a response (default 5 s each): generous, as a stalled client
  // should not be cut off while the harness is still measuring it.
  server_.set_read_timeout(kReadTimeoutS);
  server_.set_write_timeout(kWriteTimeoutS);
  // Product bodies are small. This limit only covers bodies with a Content-Length (not chunked
  // ones), and cpp-httplib reads an oversized one whole before its 413: request_guard.hpp
  // refuses those first and the routes' content readers bound every body; this is a backstop.
  server_.set_payload_max_length(kMaxBodyBytes);
  // Replaces default_socket_options (SO_REUSEPORT, which would let two servers share a port
  // silently): plain SO_REUSEADDR, and remember the listening socket for bind().
  server_.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_.store(sock);
  });
}

int ApiServer::bind() {
  int port = cfg_.port;
  if (port == 0) {
    port = server_.bind_to_any_port(cfg_.host);
  } else if (!server_.bind_to_port(cfg_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    throw std::runtime_error("cannot listen on " + cfg_.host + ":" + std::to_string(cfg_.port));
  }
  // The .so was compiled with CPPHTTPLIB_LISTEN_BACKLOG 5, which drops SYNs under a burst of
  // new connections. Calling listen() again on a listening socket updates its backlog (Linux).
  if (::listen(listen_fd_.load(), SOMAXCONN) != 0) {
    throw std::runtime_error("cannot raise the listen backlog on " + cfg_.host);
  }
  return port;
}

bool ApiServer::run() { return server_.listen_after_bind(); }

}  // namespace lg::api
