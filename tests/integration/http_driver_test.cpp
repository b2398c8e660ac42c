// The Boost.Beast HTTP driver on one event loop (the test thread), against nginx and against a
// scripted loopback server that misbehaves on purpose (never answers, closes connections).

#include <utility>
// clang-format on

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/errors.hpp"
#include "harness/driver/http_driver.hpp"
#include "tests/integration/nginx_fixture.hpp"

namespace lg::test {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using driver::ErrorClass;
using driver::HttpDriver;
using driver::Outcome;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr Nanos kTimeout = 10 * kNanosPerSecond;
const driver::Params kNoParams;
// nginx's own connection counters, to check keep-alive from the server's side.
const char* const kStubStatus = "location = /nginx_status { stub_status; }";

workload::RequestTemplate request(std::string method, std::vector<workload::Segment> path,
                                  std::vector<workload::Segment> body = {}, int expect_status = 0) {
  workload::RequestTemplate t;
  t.name = "t";
  t.method = std::move(method);
  t.path = std::move(path);
  t.body = std::move(body);
  t.expect_status = expect_status;
  return t;
}

workload::RequestTemplate get(const std::string& path, int expect_status = 0) {
  return request("GET", {{path, -1}}, {}, expect_status);
}

driver::BaseUrl base(const std::string& url) { return *driver::parse_base_url(url); }

// Runs every task on `loop` (in this thread) until all have finished; rethrows the first
// exception. Stops the loop rather than draining it: the scripted server always has work.
void run_all(asio::io_context& loop, std::vector<asio::awaitable<void>> tasks) {
  std::size_t left = tasks.size();
  std::exception_ptr first;
  for (auto& t : tasks) {
    asio::co_spawn(loop, std::move(t), [&](std::exception_ptr e) {
      if (e && !first) first = e;
      if (--left == 0) loop.stop();
    });
  }
  loop.restart();
  loop.run();
  if (first) std::rethrow_exception(first);
}

void run(asio::io_context& loop, asio::awaitable<void> task) {
  std::vector<asio::awaitable<void>> tasks;
  tasks.push_back(std::move(task));
  run_all(loop, std::move(tasks));
}

asio::awaitable<void> open(HttpDriver& d) { co_await d.open(); }

asio::awaitable<void> execute(HttpDriver& d, std::size_t id, Outcome& out) {
  out = co_await d.execute(id, kNoParams);
}

asio::awaitable<void> execute_with(HttpDriver& d, std::size_t id, const driver::Params& params,
                                   Outcome& out) {
  out = co_await d.execute(id, params);
}

Outcome execute_once(asio::io_context& loop, HttpDriver& d, std::size_t id = 0) {
  Outcome out;
  run(loop, execute(d, id, out));
  return out;
}

// Counts outcomes that are kNone with status 200.
asio::awaitable<void> execute_n(HttpDriver& d, int n, int& ok) {
  for (int i = 0; i < n; ++i) {
    const Outcome o = co_await d.execute(0, kNoParams);
    if (o.error == ErrorClass::kNone && o.status == 200) ++ok;
  }
}

// The "accepts" counter of nginx's stub_status page ("server accepts handled requests\n
// A H R"), or -1.
long accepted_connections(std::string_view status_page) {
  const auto at = status_page.find("requests\n");
  if (at == std::string_view::npos) return -1;
  return std::stol(std::string(status_page.substr(at + 9)));
}

// "Active connections: N".
long active_connections(std::string_view status_page) {
  const auto at = status_page.find(':');
  if (at == std::string_view::npos) return -1;
  return std::stol(std::string(status_page.substr(at + 1)));
}

/// A loopback HTTP server on the test's loop that misbehaves as told.
class ScriptedServer {
 public:
  enum class Mode {
    kSilent,              ///< accepts and never reads nor answers
    kAnswer,              ///< answers every request, keep-alive
    kAnswerThenClose,     ///< answers one request per connection, then closes without notice
    kCloseWithoutAnswer,  ///< reads a request and closes the connection
  };

  ScriptedServer(asio::io_context& loop, Mode mode)
      : acceptor_(loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), mode_(mode) {
    asio::co_spawn(loop, accept_loop(), asio::detached);
  }

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int connections() const { return connections_; }
  /// Every request received, head and body, in order.
  const std::vector<std::string>& requests() const { return requests_; }

 private:
  static constexpr std::string_view kResponse =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n"
      "X-Read-Source: mv\r\n\r\n{\"success\":true}\n";

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s =
          co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++connections_;
      if (mode_ == Mode::kSilent) {
        held_.push_back(std::move(s));
      } else {
        asio::co_spawn(acceptor_.get_executor(), session(std::move(s)), asio::detached);
      }
    }
  }

  asio::awaitable<void> session(tcp::socket s) {
    std::string buf;
    auto token = asio::use_awaitable;
    try {
      for (;;) {
        const std::size_t head =
            co_await asio::async_read_until(s, asio::dynamic_buffer(buf), "\r\n\r\n", token);
        const std::size_t length = content_length(buf.substr(0, head));
        if (buf.size() < head + length) {
          co_await asio::async_read(s, asio::dynamic_buffer(buf),
                                    asio::transfer_exactly(head + length - buf.size()), token);
        }
        requests_.push_back(buf.substr(0, head + length));
        buf.erase(0, head + length);
        if (mode_ == Mode::kCloseWithoutAnswer) co_return;
        co_await asio::async_write(s, asio::buffer(kResponse), token);
        if (mode_ == Mode::kAnswerThenClose) co_return;
      }
    } catch (const std::exception&) {
      // The client went away.
    }
  }

  static std::size_t content_length(const std::string& head) {
    const auto at = head.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
  }

  tcp::acceptor acceptor_;
  Mode mode_;
  int connections_ = 0;
  std::vector<std::string> requests_;
  std::vector<tcp::socket> held_;
};

// Raises the soft RLIMIT_NOFILE to the hard limit for the test's lifetime.
class NofileRaised {
 public:
  NofileRaised() {
    ::getrlimit(RLIMIT_NOFILE, &old_);
    rlimit raised = old_;
    raised.rlim_cur = raised.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &raised);
  }
  ~NofileRaised() { ::setrlimit(RLIMIT_NOFILE, &old_); }
  static rlim_t hard() {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_max;
  }

 private:
  rlimit old_{};
};

TEST(HttpDriver, GetReturnsTheProductPage) {
  NginxServer nginx;
  asio::io_context loop;
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(nginx.base_url()), kTimeout, requests);
  run(loop, open(d));
  const Outcome o = execute_once(loop, d);
  EXPECT_EQ(o.error, ErrorClass::kNone);
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(o.rows, 0u);
  EXPECT_EQ(o.source, driver::ReadSource::kNone);
  EXPECT_EQ(d.body(), NginxServer::product_json());
  EXPECT_EQ(d.reconnects(), 0);
}

TEST(HttpDriver, AThousandRequestsReuseOneConnection) {
  NginxServer nginx({.extra_config = kStubStatus});
  asio::io_context loop;
  const std::vector requests{get("/product"), get("/nginx_status")};
  HttpDriver d(loop, base(nginx.base_url()), kTimeout, requests);
  ASSERT_EQ(execute_once(loop, d, 1).error, ErrorClass::kNone);
  const long accepted_before = accepted_connections(d.body());
  int ok = 0;
  run(loop, execute_n(d, 1000, ok));
  EXPECT_EQ(ok, 1000);
  EXPECT_EQ(d.reconnects(), 0);
  ASSERT_EQ(execute_once(loop, d, 1).error, ErrorClass::kNone);
  EXPECT_GT(accepted_before, 0);
  EXPECT_EQ(accepted_connections(d.body()), accepted_before) << d.body();
}

TEST(HttpDriver, StatusAndBodyChecksClassifyTheResponse) {
  NginxServer nginx;
  std::ofstream(nginx.html_dir() / "failed.json") << R"({"success": false, "error": "x"})";
  asio::io_context loop;
  const std::vector requests{get("/status/503", 200), get("/missing"), get("/status/503", 503),
                             get("/failed.json"), get("/product", 201)};
  HttpDriver d(loop, base(nginx.base_url()), kTimeout, requests);
  run(loop, open(d));
  const Outcome server = execute_once(loop, d, 0);
  EXPECT_EQ(server.error, ErrorClass::kServer);
  EXPECT_EQ(server.status, 503);
  const Outcome missing = execute_once(loop, d, 1);
  EXPECT_EQ(missing.error, ErrorClass::kCheck);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(execute_once(loop, d, 2).error, ErrorClass::kNone);
  const Outcome failed = execute_once(loop, d, 3);
  EXPECT_EQ(failed.error, ErrorClass::kCheck);
  EXPECT_EQ(failed.status, 200);
  EXPECT_EQ(execute_once(loop, d, 4).error, ErrorClass::kCheck);
  EXPECT_EQ(d.reconnects(), 0);
}

TEST(HttpDriver, PostSendsTheRenderedJsonBodyAndHeaders) {
  asio::io_context loop;
  ScriptedServer server(loop, ScriptedServer::Mode::kAnswer);
  const std::vector requests{
      request("POST", {{"/items/", -1}, {"", 0}}, {{R"({"name":")", -1}, {"", 0}, {"\"}", -1}}),
      get("/after")};
  const driver::Params params{std::string("a b\"c")};
  HttpDriver d(loop, base(server.base_url() + "/api/"), kTimeout, requests);
  Outcome post;
  run(loop, execute_with(d, 0, params, post));
  EXPECT_EQ(post.error, ErrorClass::kNone);
  EXPECT_EQ(post.source, driver::ReadSource::kMv);
  EXPECT_EQ(d.body(), "{\"success\":true}\n");
  EXPECT_EQ(execute_once(loop, d, 1).error, ErrorClass::kNone);
  ASSERT_EQ(server.requests().size(), 2u);
  const std::string& sent = server.requests()[0];
  const std::string host = server.base_url().substr(7);
  EXPECT_EQ(sent.rfind("POST /api/items/a%20b%22c HTTP/1.1\r\n", 0), 0u) << sent;
  EXPECT_NE(sent.find("Host: " + host + "\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("Content-Type: application/json\r\n"), std::string::npos) << sent;
  EXPECT_NE(sent.find("\r\n\r\n{\"name\":\"a b\\\"c\"}"), std::string::npos) << sent;
  // The GET after it on the same connection carries neither body headers nor a body.
  const std::string& after = server.requests()[1];
  EXPECT_EQ(after.rfind("GET /api/after HTTP/1.1\r\n", 0), 0u) << after;
  EXPECT_EQ(after.find("Content-"), std::string::npos) << after;
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpDriver, TwoThousandVusShareOneLoop) {
  constexpr int kVus = 2000;
  constexpr int kRequestsPerVu = 5;
  if (NofileRaised::hard() < 4500) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << NofileRaised::hard() << " < 4500";
  }
  NofileRaised raised;
  NginxServer nginx({.workers = 2, .extra_config = kStubStatus});
  asio::io_context loop;
  const std::vector requests{get("/product"), get("/nginx_status")};
  std::vector<std::unique_ptr<HttpDriver>> vus;
  std::vector<asio::awaitable<void>> opens;
  for (int i = 0; i < kVus; ++i) {
    vus.push_back(std::make_unique<HttpDriver>(loop, base(nginx.base_url()), kTimeout, requests));
    opens.push_back(open(*vus.back()));
  }
  run_all(loop, std::move(opens));
  // Every VU holds its own connection at once: the probe's own plus kVus are active.
  HttpDriver probe(loop, base(nginx.base_url()), kTimeout, requests);
  ASSERT_EQ(execute_once(loop, probe, 1).error, ErrorClass::kNone);
  EXPECT_GE(active_connections(probe.body()), kVus + 1) << probe.body();
  std::vector<int> ok(kVus, 0);
  std::vector<asio::awaitable<void>> work;
  for (int i = 0; i < kVus; ++i) work.push_back(execute_n(*vus[i], kRequestsPerVu, ok[i]));
  run_all(loop, std::move(work));
  int total = 0;
  std::int64_t reconnects = 0;
  for (int i = 0; i < kVus; ++i) {
    total += ok[i];
    reconnects += vus[i]->reconnects();
  }
  EXPECT_EQ(total, kVus * kRequestsPerVu);
  EXPECT_EQ(reconnects, 0);
}

TEST(HttpDriver, AbandonEndsARequestToASilentServerAtOnce) {
  asio::io_context loop;
  ScriptedServer server(loop, ScriptedServer::Mode::kSilent);
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(server.base_url()), kTimeout, requests);
  run(loop, open(d));
  asio::steady_timer timer(loop, milliseconds(100));
  Clock::time_point abandoned_at;
  timer.async_wait([&](boost::system::error_code) {
    abandoned_at = Clock::now();
    d.abandon();
  });
  const Outcome o = execute_once(loop, d);
  EXPECT_EQ(o.error, ErrorClass::kCanceled);
  EXPECT_EQ(o.status, 0);
  EXPECT_LT(Clock::now() - abandoned_at, std::chrono::seconds(1));
}

TEST(HttpDriver, CancelFromAnotherThreadEndsTheRequest) {
  asio::io_context loop;
  ScriptedServer server(loop, ScriptedServer::Mode::kSilent);
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(server.base_url()), kTimeout, requests);
  run(loop, open(d));
  std::atomic<Clock::rep> canceled_at{0};
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(100));
    canceled_at = Clock::now().time_since_epoch().count();
    d.cancel();
  });
  const Outcome o = execute_once(loop, d);
  canceller.join();
  EXPECT_EQ(o.error, ErrorClass::kCanceled);
  const Clock::time_point at{Clock::duration(canceled_at.load())};
  EXPECT_LT(Clock::now() - at, std::chrono::seconds(1));
}

TEST(HttpDriver, ASilentServerTimesOutAfterTheTimeout) {
  asio::io_context loop;
  ScriptedServer server(loop, ScriptedServer::Mode::kSilent);
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(server.base_url()), 200 * kNanosPerMilli, requests);
  run(loop, open(d));
  const auto start = Clock::now();
  const Outcome o = execute_once(loop, d);
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(o.error, ErrorClass::kTimeout);
  EXPECT_EQ(o.status, 0);
  EXPECT_GE(elapsed, milliseconds(150));
  EXPECT_LE(elapsed, milliseconds(2000));
}

TEST(HttpDriver, AKeepAliveConnectionTheServerClosedIsRetriedOnce) {
  asio::io_context loop;
  ScriptedServer server(loop, ScriptedServer::Mode::kAnswerThenClose);
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(server.base_url()), kTimeout, requests);
  run(loop, open(d));
  EXPECT_EQ(execute_once(loop, d).error, ErrorClass::kNone);
  const Outcome second = execute_once(loop, d);
  EXPECT_EQ(second.error, ErrorClass::kNone);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(d.reconnects(), 1);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpDriver, AFreshConnectionClosedUnansweredIsNotRetried) {
  asio::io_context loop;
  ScriptedServer server(loop, ScriptedServer::Mode::kCloseWithoutAnswer);
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(server.base_url()), kTimeout, requests);
  run(loop, open(d));
  const Outcome o = execute_once(loop, d);
  EXPECT_EQ(o.error, ErrorClass::kConnect);
  EXPECT_EQ(o.status, 0);
  EXPECT_TRUE(d.body().empty());
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(d.reconnects(), 0);
}

TEST(HttpDriver, ConnectionCloseFromTheServerReconnectsLazily) {
  NginxOptions options;
  options.keepalive_requests = 1;
  NginxServer nginx(options);
  asio::io_context loop;
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(nginx.base_url()), kTimeout, requests);
  run(loop, open(d));
  int ok = 0;
  run(loop, execute_n(d, 5, ok));
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(d.reconnects(), 4);
}

// A VU connects before the run and may first send much later (a long ramp): nginx closes a
// connection that sent no request after client_header_timeout. The driver notices before it
// sends and reconnects, so the user's first request does not fail.
TEST(HttpDriver, AConnectionTheServerClosedBeforeItsFirstRequestIsReplacedBeforeSending) {
  NginxOptions options;
  options.extra_config = "client_header_timeout 1s;";
  NginxServer nginx(options);
  asio::io_context loop;
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(nginx.base_url()), kTimeout, requests);
  run(loop, open(d));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const Outcome o = execute_once(loop, d);
  EXPECT_EQ(o.error, ErrorClass::kNone);
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(d.reconnects(), 1);
}

TEST(HttpDriver, OpenThrowsInfraErrorWhenNothingListens) {
  asio::io_context loop;
  tcp::acceptor closed(loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port());
  closed.close();
  const std::vector requests{get("/product")};
  HttpDriver d(loop, base(url), kTimeout, requests);
  try {
    run(loop, open(d));
    ADD_FAILURE() << "open() did not throw";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
  }
  EXPECT_EQ(execute_once(loop, d).error, ErrorClass::kConnect);
}

TEST(HttpDriver, HttpsAndBadPortsAreRejectedAtConstruction) {
  asio::io_context loop;
  const std::vector requests{get("/product")};
  EXPECT_THROW(HttpDriver(loop, base("https://127.0.0.1:8443"), kTimeout, requests), InputError);
  EXPECT_THROW(HttpDriver(loop, base("http://127.0.0.1:99999"), kTimeout, requests), InputError);
  EXPECT_NO_THROW(HttpDriver(loop, base("http://localhost"), kTimeout, requests));
  EXPECT_NO_THROW(HttpDriver(loop, base("http://[::1]:8080/x"), kTimeout, requests));
}

}  // namespace
}  // namespace lg::test
