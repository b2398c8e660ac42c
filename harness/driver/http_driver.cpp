#include "harness/driver/http_driver.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cctype>
#include <regex>

namespace lg::driver {
namespace {

constexpr std::string_view kJsonContentType = "application/json";

ReadSource parse_read_source(const std::string& v) noexcept {
  if (v == "mv") return ReadSource::kMv;
  if (v == "custom_posts") return ReadSource::kCustomPosts;
  if (v == "products") return ReadSource::kProducts;
  if (v == "fallback") return ReadSource::kFallback;
  return ReadSource::kNone;
}

std::pair<time_t, time_t> seconds_micros(Nanos ns) {
  return {static_cast<time_t>(ns / kNanosPerSecond),
          static_cast<time_t>((ns % kNanosPerSecond) / 1000)};
}

bool transport_retryable(httplib::Error e) {
  return e == httplib::Error::Read || e == httplib::Error::Write;
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

HttpDriver::HttpDriver(const BaseUrl& base, Nanos timeout,
                       const std::vector<workload::RequestTemplate>& requests)
    : client_(base.origin), prefix_(base.prefix), timeout_(timeout), requests_(requests) {
  client_.set_keep_alive(true);
  client_.set_tcp_nodelay(true);
  const auto [sec, usec] = seconds_micros(timeout);
  client_.set_connection_timeout(sec, usec);
  client_.set_read_timeout(sec, usec);
  client_.set_write_timeout(sec, usec);
  // Called for every new socket: the count of connections made, hence of reconnects. It
  // replaces httplib's client default (none), so TCP_NODELAY is set here as well.
  client_.set_socket_options([this](socket_t sock) {
    connects_.fetch_add(1, std::memory_order_relaxed);
    int one = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  });
}

httplib::Result HttpDriver::send(const workload::RequestTemplate& t) {
  if (t.method == "GET") return client_.Get(path_);
  if (t.method == "DELETE") {
    return body_.empty() ? client_.Delete(path_)
                         : client_.Delete(path_, body_, std::string(kJsonContentType));
  }
  if (t.method == "PUT") return client_.Put(path_, body_, std::string(kJsonContentType));
  return client_.Post(path_, body_, std::string(kJsonContentType));
}

Outcome HttpDriver::execute(std::size_t id, const Params& params) noexcept {
  try {
    const auto& t = requests_[id];
    workload::render(t.path, params, true, path_);
    path_.insert(0, prefix_);
    workload::render(t.body, params, false, body_);
    const Nanos start = mono_now();
    auto res = send(t);
    // A keep-alive socket the server closed while idle fails on first use (REFERENCE.md,
    // #1041/#1179): retry once on a fresh connection unless we are being stopped.
    if (!res && transport_retryable(res.error()) && !canceling_.load() &&
        mono_now() - start < timeout_) {
      res = send(t);
    }
    return classify(t, res, mono_now() - start);
  } catch (...) {
    return Outcome{ErrorClass::kServer, 0, "", 0, ReadSource::kNone};
  }
}

Outcome HttpDriver::classify(const workload::RequestTemplate& t, const httplib::Result& res,
                             Nanos elapsed) noexcept {
  Outcome o;
  if (!res) {
    if (canceling_.exchange(false)) {
      o.error = ErrorClass::kCanceled;
    } else if (res.error() == httplib::Error::ConnectionTimeout || elapsed >= timeout_) {
      o.error = ErrorClass::kTimeout;
    } else {
      o.error = ErrorClass::kConnect;
    }
    return o;
  }
  canceling_.store(false);
  o.status = static_cast<std::uint16_t>(res->status);
  o.source = parse_read_source(res->get_header_value("X-Read-Source"));
  const bool status_ok = t.expect_status == 0 ? (res->status >= 200 && res->status < 300)
                                              : res->status == t.expect_status;
  if (!status_ok) {
    o.error = res->status >= 500 ? ErrorClass::kServer : ErrorClass::kCheck;
  } else if (reports_failure(res->body)) {
    o.error = ErrorClass::kCheck;
  }
  return o;
}

void HttpDriver::cancel() noexcept {
  canceling_.store(true);
  client_.stop();
}

std::int64_t HttpDriver::reconnects() const noexcept {
  return std::max<std::int64_t>(0, connects_.load(std::memory_order_relaxed) - 1);
}

}  // namespace lg::driver
