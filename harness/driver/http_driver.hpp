#pragma once
// HTTP driver for one VU: one cpp-httplib Client (one socket, keep-alive, TCP_NODELAY), owned by
// the VU's thread (REFERENCE.md "cpp-httplib 0.11.x client": a Client serialises its requests,
// so concurrency comes from one Client per VU).

#include <httplib.h>

#include <atomic>
#include <string>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/driver/driver.hpp"
#include "harness/workload/request_template.hpp"

namespace lg::driver {

/// A base URL split for httplib: "http://127.0.0.1:8080/prefix" -> origin
/// "http://127.0.0.1:8080", path prefix "/prefix".
struct BaseUrl {
  std::string origin;
  std::string prefix;
};

/// Splits and checks a base URL; nullopt unless it is http:// or https:// with a host.
std::optional<BaseUrl> parse_base_url(const std::string& url);

class HttpDriver final : public Driver {
 public:
  /// `base` from parse_base_url; `timeout` caps connect, read and write (ns); `requests` are
  /// indexed by execute()'s id and must outlive the driver. Connects lazily on first use.
  HttpDriver(const BaseUrl& base, Nanos timeout,
             const std::vector<workload::RequestTemplate>& requests);

  /// Sends request `id` rendered with `params`. A status other than the template's
  /// expect_status (any 2xx by default) is kCheck (5xx: kServer), as is a JSON body whose
  /// "success" is false; a transport failure is kConnect, or kTimeout after `timeout`. A
  /// request that fails on a reused keep-alive socket the server had closed is retried once
  /// on a new connection (counted in reconnects()).
  Outcome execute(std::size_t id, const Params& params) noexcept override;
  /// Shuts the socket down so a request in flight returns at once (graceful stop).
  void cancel() noexcept override;
  std::int64_t reconnects() const noexcept override;

 private:
  httplib::Result send(const workload::RequestTemplate& t);
  Outcome classify(const workload::RequestTemplate& t, const httplib::Result& res,
                   Nanos elapsed) noexcept;

  httplib::Client client_;
  std::string prefix_;
  Nanos timeout_;
  const std::vector<workload::RequestTemplate>& requests_;
  std::string path_, body_;
  std::atomic<std::int64_t> connects_{0};
  std::atomic<bool> canceling_{false};
};

/// True when `body` is JSON whose top-level "success" member is false (a cheap scan, no parse:
/// the first "success" key followed by false).
bool reports_failure(std::string_view body) noexcept;

}  // namespace lg::driver
