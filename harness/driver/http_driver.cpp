#include "harness/driver/http_driver.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <limits>
#include <regex>

#include "harness/core/errors.hpp"

namespace lg::driver {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;

// Beast 1.74 takes boost::string_view, not std::string_view.
constexpr beast::string_view kJsonContentType = "application/json";
constexpr std::string_view kHttpScheme = "http://";
// Catalog pages carry a few headers; the default 8 KiB would turn a cookie-heavy proxy's
// answer into a transport error.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

ReadSource parse_read_source(std::string_view v) noexcept {
  if (v == "mv") return ReadSource::kMv;
  if (v == "custom_posts") return ReadSource::kCustomPosts;
  if (v == "products") return ReadSource::kProducts;
  if (v == "fallback") return ReadSource::kFallback;
  return ReadSource::kNone;
}

http::verb verb_of(const std::string& method) noexcept {
  if (method == "GET") return http::verb::get;
  if (method == "PUT") return http::verb::put;
  if (method == "DELETE") return http::verb::delete_;
  return http::verb::post;
}

// Errors a keep-alive socket gives when the server closed it while it sat idle: the request
// never reached a live connection, so sending it again is safe.
bool stale_connection(const boost::system::error_code& ec) noexcept {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

struct Authority {
  std::string host;  // without IPv6 brackets
  std::string port;
};

// "host", "host:port", "[v6]" or "[v6]:port"; nullopt for a bad port or user info.
std::optional<Authority> split_authority(std::string_view a) {
  if (a.find('@') != std::string_view::npos) return std::nullopt;
  Authority out{std::string(a), "80"};
  std::size_t colon = std::string_view::npos;
  if (!a.empty() && a.front() == '[') {
    const auto close = a.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(a.substr(1, close - 1));
    if (close + 1 < a.size()) {
      if (a[close + 1] != ':') return std::nullopt;
      colon = close + 1;
    }
  } else if ((colon = a.rfind(':')) != std::string_view::npos) {
    out.host = std::string(a.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    const auto digits = a.substr(colon + 1);
    unsigned port = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (err != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return std::nullopt;
    }
    out.port = std::string(digits);
  }
  if (out.host.empty()) return std::nullopt;
  return out;
}

}  // namespace

const char* read_source_name(ReadSource s) noexcept {
  switch (s) {
    case ReadSource::kMv:
      return "mv";
    case ReadSource::kCustomPosts:
      return "custom_posts";
    case ReadSource::kProducts:
      return "products";
    case ReadSource::kFallback:
      return "fallback";
    case ReadSource::kNone:
      break;
  }
  return "";
}

std::optional<BaseUrl> parse_base_url(const std::string& url) {
  static const std::regex re(R"(^(https?://[^/?#\s]+)(/[^?#\s]*)?$)");
  std::smatch m;
  if (!std::regex_match(url, m, re)) return std::nullopt;
  BaseUrl b{m[1].str(), m[2].str()};
  while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
  return b;
}

bool reports_failure(std::string_view body) noexcept {
  const auto key = body.find("\"success\"");
  if (key == std::string_view::npos) return false;
  auto i = key + 9;
  while (i < body.size() &&
         (std::isspace(static_cast<unsigned char>(body[i])) != 0 || body[i] == ':')) {
    ++i;
  }
  return body.substr(i, 5) == "false";
}

HttpDriver::HttpDriver(asio::io_context& loop, const BaseUrl& base, Nanos timeout,
                       const std::vector<workload::RequestTemplate>& requests)
    : loop_(loop),
      base_url_(base.origin + base.prefix),
      prefix_(base.prefix),
      timeout_(timeout),
      requests_(requests),
      stream_(loop) {
  if (base.origin.rfind(kHttpScheme, 0) != 0) {
    throw InputError("http.base_url",
                     "https is not supported (plain http:// only), got \"" + base.origin + "\"");
  }
  const std::string_view authority = std::string_view(base.origin).substr(kHttpScheme.size());
  const auto a = split_authority(authority);
  if (!a) throw InputError("http.base_url", "bad host or port in \"" + base.origin + "\"");
  host_ = a->host;
  service_ = a->port;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host_, ec);
  if (!ec) endpoints_.emplace_back(address, static_cast<unsigned short>(std::stoi(service_)));
  request_.version(11);
  request_.set(http::field::host, beast::string_view(authority.data(), authority.size()));
  request_.set(http::field::user_agent, "loadgate");
  request_.set(http::field::accept, "*/*");
}

asio::awaitable<void> HttpDriver::open() {
  deadline_ = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_);
  canceled_ = false;
  in_flight_ = true;
  const error_code ec = connected_ ? error_code{} : co_await connect();
  in_flight_ = false;
  if (canceled_) throw InfraError("HTTP target " + base_url_ + ": connecting was abandoned");
  if (ec) throw InfraError("cannot connect to HTTP target " + base_url_ + ": " + ec.message());
}

asio::awaitable<Outcome> HttpDriver::execute(std::size_t id, const Params& params) {
  try {
    const auto& t = requests_.at(id);
    prepare(t, params);
    co_return co_await run(t);
  } catch (...) {
    // The connection may be mid-message: start the next request on a fresh one.
    in_flight_ = false;
    drop();
  }
  co_return Outcome{ErrorClass::kServer, 0, "", 0, ReadSource::kNone};
}

void HttpDriver::prepare(const workload::RequestTemplate& t, const Params& params) {
  workload::render(t.path, params, true, path_);
  target_.assign(prefix_).append(path_);
  request_.method(verb_of(t.method));
  request_.target(target_);
  workload::render(t.body, params, false, request_.body());
  if (request_.body().empty()) {
    request_.erase(http::field::content_type);
  } else {
    request_.set(http::field::content_type, kJsonContentType);
  }
  // prepare_payload leaves a previous request's Content-Length on a bodiless GET.
  request_.erase(http::field::content_length);
  request_.prepare_payload();
  reset_parser();
}

asio::awaitable<Outcome> HttpDriver::run(const workload::RequestTemplate& t) {
  deadline_ = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_);
  canceled_ = false;
  in_flight_ = true;
  const bool reused = reused_;
  error_code ec = co_await attempt();
  // A keep-alive socket the server closed while idle fails on first use (Boost.Beast,
  // cpp-httplib #1041/#1179): one retry on a fresh connection, within the same deadline.
  if (ec && reused && !canceled_ && stale_connection(ec)) {
    reset_parser();
    ec = co_await attempt();
  }
  in_flight_ = false;
  if (ec) parser_->get().body().clear();
  co_return classify(t, ec);
}

bool HttpDriver::peer_closed() noexcept {
  char byte = 0;
  const ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

asio::awaitable<HttpDriver::error_code> HttpDriver::attempt() {
  error_code ec;
  // A connection idle for long may have been closed by the server (nginx closes one that never
  // sent a request after client_header_timeout, 60 s): a VU opened before a long ramp finds
  // out here, before it sends, and reconnects. A busy connection skips the check (a syscall).
  if (connected_ && std::chrono::steady_clock::now() - last_used_ > kIdleCheck && peer_closed()) {
    drop();
  }
  if (!connected_) ec = co_await connect();
  if (!ec && !canceled_) {
    stream_.expires_at(deadline_);
    co_await http::async_write(stream_, request_, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!ec && !canceled_) {
    co_await http::async_read(stream_, buffer_, *parser_,
                              asio::redirect_error(asio::use_awaitable, ec));
  }
  if (canceled_) ec = asio::error::operation_aborted;
  if (ec || !parser_->keep_alive()) {
    // Connection: close (or a body delimited by EOF): the server ends this socket; the next
    // request reconnects lazily.
    drop();
  } else {
    reused_ = true;
    last_used_ = std::chrono::steady_clock::now();
  }
  co_return ec;
}

asio::awaitable<HttpDriver::error_code> HttpDriver::connect() {
  drop();
  error_code ec;
  if (endpoints_.empty()) ec = co_await resolve();
  if (!ec && canceled_) ec = asio::error::operation_aborted;
  if (ec) co_return ec;
  stream_.expires_at(deadline_);
  co_await stream_.async_connect(endpoints_, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec && canceled_) ec = asio::error::operation_aborted;
  if (ec) {
    drop();
    co_return ec;
  }
  error_code ignored;  // a socket without TCP_NODELAY still works, only slower
  stream_.socket().set_option(tcp::no_delay(true), ignored);
  buffer_.clear();
  connected_ = true;
  last_used_ = std::chrono::steady_clock::now();
  connects_.fetch_add(1, std::memory_order_relaxed);
  co_return ec;
}

// Runs once per driver: DNS answers are taken as stable for a run. The resolver is not bound by
// the deadline (getaddrinfo cannot be interrupted); abandon() cancels it.
asio::awaitable<HttpDriver::error_code> HttpDriver::resolve() {
  if (!resolver_) resolver_.emplace(loop_);
  error_code ec;
  const auto results = co_await resolver_->async_resolve(
      host_, service_, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    for (const auto& r : results) endpoints_.push_back(r.endpoint());
    if (endpoints_.empty()) ec = asio::error::host_not_found;
  }
  co_return ec;
}

void HttpDriver::reset_parser() {
  // The body string moves from parser to parser, so its capacity is reused across requests.
  std::string body;
  if (parser_) body = std::move(parser_->get().body());
  body.clear();
  parser_.emplace();
  // No cap, as with the old driver. Not boost::none: Beast 1.74 compares a Content-Length
  // against the empty optional and reports every sized body as over the limit.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  parser_->header_limit(kHeaderLimit);
  parser_->get().body() = std::move(body);
}

void HttpDriver::drop() noexcept {
  stream_.close();
  connected_ = false;
  reused_ = false;
}

Outcome HttpDriver::classify(const workload::RequestTemplate& t,
                             const error_code& ec) const noexcept {
  Outcome o;
  if (canceled_) {
    o.error = ErrorClass::kCanceled;
    return o;
  }
  if (ec) {
    o.error = ec == beast::error::timeout ? ErrorClass::kTimeout : ErrorClass::kConnect;
    return o;
  }
  const auto& res = parser_->get();
  const unsigned status = res.result_int();
  o.status = static_cast<std::uint16_t>(status);
  const beast::string_view source = res["X-Read-Source"];
  o.source = parse_read_source(std::string_view(source.data(), source.size()));
  const bool status_ok = t.expect_status == 0 ? (status >= 200 && status < 300)
                                              : status == static_cast<unsigned>(t.expect_status);
  if (!status_ok) {
    o.error = status >= 500 ? ErrorClass::kServer : ErrorClass::kCheck;
  } else if (reports_failure(res.body())) {
    o.error = ErrorClass::kCheck;
  }
  return o;
}

void HttpDriver::abandon() noexcept {
  if (in_flight_) canceled_ = true;
  if (resolver_) resolver_->cancel();
  drop();
}

void HttpDriver::cancel() noexcept {
  try {
    asio::post(loop_, [this, alive = std::weak_ptr<char>(alive_)] {
      if (!alive.expired() && in_flight_) abandon();
    });
  } catch (...) {
    // Out of memory for the handler: the request runs on to its timeout instead.
  }
}

std::int64_t HttpDriver::reconnects() const noexcept {
  return std::max<std::int64_t>(0, connects_.load(std::memory_order_relaxed) - 1);
}

std::string_view HttpDriver::body() const noexcept {
  return parser_ ? std::string_view(parser_->get().body()) : std::string_view();
}

}  // namespace lg::driver
