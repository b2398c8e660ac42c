#pragma once
// HTTP/1.1 driver for one VU on an event loop: one Boost.Beast tcp_stream (one keep-alive
// socket, TCP_NODELAY) whose reads and writes are coroutines on the VU's io_context, so a loop
// thread drives thousands of VUs with no select() cap, which cpp-httplib's blocking client had
// (docs/engine.md). Plain http only.

#include <utility>
// clang-format on

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/driver/driver.hpp"
#include "harness/workload/request_template.hpp"

namespace lg::driver {

/// A base URL split in two: "http://127.0.0.1:8080/prefix" -> origin
/// "http://127.0.0.1:8080", path prefix "/prefix" (no trailing '/').
struct BaseUrl {
  std::string origin;
  std::string prefix;
};

/// Splits and checks a base URL; nullopt unless it is http:// or https:// with a host.
std::optional<BaseUrl> parse_base_url(const std::string& url);

class HttpDriver final : public Driver {
 public:
  /// A driver on `loop` for `base` (from parse_base_url); `timeout` (ns) caps each request as
  /// a whole: connect (when needed), write and read, the one retry included. `requests` are
  /// indexed by execute()'s id and must outlive the driver. Connects only in open() or on
  /// first use. Throws InputError (field http.base_url) for an https:// origin or a bad port.
  HttpDriver(asio::io_context& loop, const BaseUrl& base, Nanos timeout,
             const std::vector<workload::RequestTemplate>& requests);
  HttpDriver(const HttpDriver&) = delete;
  HttpDriver& operator=(const HttpDriver&) = delete;

  /// Resolves the host (once per driver; numeric addresses skip DNS) and connects within
  /// `timeout`. Throws InfraError naming the base URL when that fails or is abandoned.
  asio::awaitable<void> open() override;
  /// Sends request `id` rendered with `params` and reads the whole response. A status other
  /// than the template's expect_status (any 2xx when 0) is kCheck (5xx: kServer), as is a JSON
  /// body whose "success" is false; a transport failure is kConnect, or kTimeout once
  /// `timeout` has passed. A request that fails on a reused keep-alive socket (the server
  /// closed it while idle) is retried once on a new connection, counted in reconnects().
  /// Never throws (an unexpected exception is kServer).
  asio::awaitable<Outcome> execute(std::size_t id, const Params& params) override;
  /// Closes the socket under the request in flight, which then returns kCanceled; the next
  /// call reconnects. With nothing in flight it only drops the idle connection. Loop thread.
  void abandon() noexcept override;
  /// Posts abandon() of the request in flight to the driver's loop; a no-op if the driver is
  /// idle by then. Safe from any thread.
  void cancel() noexcept override;
  /// Connections made after the first one (lazy reconnects, retries, after cancels).
  std::int64_t reconnects() const noexcept override;
  /// The last response's body, valid until the next execute() (empty after a transport error).
  std::string_view body() const noexcept override;

 private:
  using error_code = boost::system::error_code;
  using Parser = boost::beast::http::response_parser<boost::beast::http::string_body>;

  void prepare(const workload::RequestTemplate& t, const Params& params);
  asio::awaitable<error_code> resolve();
  asio::awaitable<error_code> connect();
  asio::awaitable<error_code> attempt();
  bool peer_closed() noexcept;
  asio::awaitable<Outcome> run(const workload::RequestTemplate& t);
  void reset_parser();
  void drop() noexcept;
  void abort_in_flight() noexcept;
  Outcome classify(const workload::RequestTemplate& t, const error_code& ec) const noexcept;

  asio::io_context& loop_;
  std::string base_url_;  // for error messages
  std::string host_;      // as in the URL, without brackets
  std::string service_;   // port, as text
  std::string prefix_;
  Nanos timeout_;
  const std::vector<workload::RequestTemplate>& requests_;

  std::vector<asio::ip::tcp::endpoint> endpoints_;  // empty until resolved
  std::optional<asio::ip::tcp::resolver> resolver_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  std::optional<Parser> parser_;
  std::string path_, target_;

  std::chrono::steady_clock::time_point deadline_;  // of the operation in flight
  bool connected_ = false;
  std::chrono::steady_clock::time_point last_used_;  // connected, or last answer received
  // Idle longer than this, a connection is checked for a close by the server before use.
  static constexpr std::chrono::seconds kIdleCheck{1};
  bool reused_ = false;     // the open connection has answered at least one request
  bool in_flight_ = false;  // open() or execute() is suspended on this driver's I/O
  bool canceled_ = false;   // abandon() hit the operation in flight
  std::atomic<std::int64_t> connects_{0};
  // Posted cancels hold a weak reference: one that runs after the driver is gone does nothing.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

/// True when `body` is JSON whose top-level "success" member is false (a cheap scan, no parse:
/// the first "success" key followed by false).
bool reports_failure(std::string_view body) noexcept;

}  // namespace lg::driver
