#pragma once
// A test-only HTTP target on loopback whose latency the test controls: GET /delay holds each
// request for a fixed time D before answering {"success":true}, and records how long it really
// held each one, so a test can compare loadgate's numbers with the truth.

#include <httplib.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/clock.hpp"

namespace lg::test {

class DelayServer {
 public:
  /// Listens on 127.0.0.1:<free port>, tuned like a load-test target (keep-alive unlimited,
  /// TCP_NODELAY, `threads` workers). Holds each /delay request for `delay` ns.
  DelayServer(Nanos delay, int threads);
  ~DelayServer();
  DelayServer(const DelayServer&) = delete;
  DelayServer& operator=(const DelayServer&) = delete;

  /// "http://127.0.0.1:<port>".
  std::string base_url() const;
  /// Every hold as measured inside the handler, in ms.
  std::vector<double> holds_ms() const;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<double> holds_ms_;
};

}  // namespace lg::test
