// catalog-api under the faults of issue 13, each checked by what a client sees: pooled
// connections terminated by the server (reads answer 200 after a reconnect, /health counts
// it), a read and a write losing their connection mid-statement, a database that is down
// (/health 503 at once, reconnect attempts paced by the backoff), an explicit id of 2^63 - 1
// followed by creations without an id, a chunked body over the 1 MiB limit, a Range header
// of 2,500 ranges, and a POST without Content-Length.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness/db/cluster.hpp"
#include "harness/db/connection.hpp"
#include "tests/integration/api_fixture.hpp"
#include "tests/integration/pg_fixture.hpp"

#ifndef CATALOG_API_BINARY
#define CATALOG_API_BINARY ""
#endif

namespace lg::api {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using lg::test::ApiProcess;
using lg::test::make_client;
using lg::test::Reply;
using lg::test::to_reply;

json product(const std::string& key) {
  return {{"sku", "SKU-" + key}, {"slug", "slug-" + key}, {"name", "Fault " + key},
          {"categoryId", 1},     {"brand", "Faultco"},    {"price", 9.5}};
}

/// A raw HTTP/1.1 exchange: sends `head`, then `body_bytes` of chunked body in 64 KiB chunks
/// (none when 0) while reading, and returns what the server sent until it closed the
/// connection or a whole response (headers + Content-Length) arrived, or `timeout` passed.
/// Write errors are ignored: a server that refuses a body may close before it is all sent.
std::string raw_exchange(int port, const std::string& head, std::size_t body_bytes,
                         milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);  // EINPROGRESS
  std::string out = head;
  if (body_bytes > 0) {
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    for (std::size_t sent = 0; sent < body_bytes; sent += 0x10000) out += chunk;
    out += "0\r\n\r\n";
  }
  std::size_t written = 0;
  std::string got;
  static const std::regex kLength(R"(Content-Length: (\d+)\r\n)", std::regex::icase);
  const auto deadline = Clock::now() + timeout;
  bool writable = true;
  while (Clock::now() < deadline) {
    pollfd p{fd, static_cast<short>(POLLIN | (writable && written < out.size() ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 20) < 0) break;
    if (p.revents & POLLOUT) {
      const ssize_t n = ::send(fd, out.data() + written, out.size() - written, MSG_NOSIGNAL);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN) writable = false;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[8192];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0 && !(n < 0 && errno == EAGAIN)) break;
      if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    }
    const auto end = got.find("\r\n\r\n");
    std::smatch m;
    if (end != std::string::npos && std::regex_search(got, m, kLength) &&
        got.size() >= end + 4 + std::stoul(m[1])) {
      break;
    }
  }
  ::close(fd);
  return got;
}

int status_of(const std::string& raw) {
  return raw.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(raw.substr(9, 3)) : 0;
}

// ---------------------------------------------------------------------------------------------
// The suite: one database with options A and B at 1,000 products, one server per test.

class CatalogApiFaults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      if (::access(CATALOG_API_BINARY, X_OK) != 0) {
        throw std::runtime_error(std::string("no catalog-api binary at '") + CATALOG_API_BINARY +
                                 "'");
      }
      dsn_ = lg::test::fresh_database("catalog_api_faults");
      std::string out;
      if (lg::test::run_loadgate(
              {"datagen", "--dsn", dsn_, "--mark-db", "--products", "1000", "--options", "A,B"},
              &out) != 0) {
        throw std::runtime_error("datagen failed: " + out);
      }
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }

  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static db::Connection admin() { return db::Connection::open(dsn_); }

  /// Terminates every catalog-api backend of the suite's database and waits until they are
  /// gone (pg_terminate_backend only signals). Returns how many there were.
  static int terminate_api_backends(db::Connection& conn) {
    const std::string which =
        " FROM pg_stat_activity WHERE application_name = 'catalog-api' AND datname = "
        "current_database() AND pid <> pg_backend_pid()";
    const int n = std::stoi(*conn.scalar("SELECT count(pg_terminate_backend(pid))" + which));
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (*conn.scalar("SELECT count(*)" + which) != "0" && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    return n;
  }

  static inline std::string setup_error_;
  static inline std::string dsn_;
};

// Fault 1: pg_terminate_backend (or a restart) of every pooled connection.
TEST_F(CatalogApiFaults, ReadsAfterTerminatedBackendsAnswer200AndHealthCountsTheReconnects) {
  ApiProcess api({"--dsn", dsn_, "--option", "A", "--pool", "2", "--threads", "4"});
  auto client = make_client(api.port());
  ASSERT_EQ(to_reply(client->Get("/api/products?limit=1")).status, 200);
  const Reply before = to_reply(client->Get("/health"));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.doc["pool"]["state"], "ok") << before.body;
  EXPECT_EQ(before.doc["pool"]["reconnects"], 0) << before.body;

  db::Connection conn = admin();
  ASSERT_EQ(terminate_api_backends(conn), 2);
  for (int i = 0; i < 4; ++i) {
    const Reply r = to_reply(client->Get("/api/products?limit=3&page=" + std::to_string(i + 1)));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc["data"].size(), 3u) << r.body;
  }
  // A write on a connection the server closed while it was idle is safe to send on the
  // reconnected one: nothing of it reached the old session.
  ASSERT_GE(terminate_api_backends(conn), 1);  // the connections reconnected so far
  const Reply created =
      to_reply(client->Post("/api/products", product("t1").dump(), "application/json"));
  EXPECT_EQ(created.status, 201) << created.body;

  const Reply health = to_reply(client->Get("/health"));
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.doc["database"], "ok");
  EXPECT_EQ(health.doc["pool"]["state"], "ok") << health.body;
  EXPECT_GE(health.doc["pool"]["losses"].get<int>(), 2) << health.body;
  EXPECT_GE(health.doc["pool"]["reconnects"].get<int>(), 2) << health.body;
  EXPECT_TRUE(health.doc["pool"]["lastLossAt"].is_string()) << health.body;
  const Reply metrics = to_reply(client->Get("/metrics"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(metrics.body, m,
                                std::regex(R"(\ncatalog_api_db_reconnects_total (\d+)\n)")))
      << metrics.body;
  EXPECT_GE(std::stoi(m[1]), 2);
}

// Fault 1, mid-statement: a read whose connection is lost while it runs is rerun once; a
// write's is not (it may have run), and the client is told 503.
TEST_F(CatalogApiFaults, ReadLostMidStatementIsRetriedOnceAndWriteLostMidStatementIs503) {
  ApiProcess api({"--dsn", dsn_, "--option", "A", "--pool", "1", "--threads", "4"});
  auto client = make_client(api.port());
  ASSERT_EQ(to_reply(client->Get("/health")).status, 200);
  db::Connection conn = admin();
  // Polls from outside the lock's transaction: inside it pg_stat_activity is one snapshot.
  db::Connection watch = admin();
  // The statement waits on a lock held here; the backend is terminated while it waits.
  auto lose_during = [&](auto request) {
    conn.exec("BEGIN");
    conn.exec("LOCK TABLE loadgate_a.products IN ACCESS EXCLUSIVE MODE");
    auto reply = std::async(std::launch::async, request);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (*watch.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                         "'catalog-api' AND datname = current_database() AND wait_event_type = "
                         "'Lock'") == "0" &&
           Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    // Only the waiting backend: its rerun's new one must not be waited for (it waits on the
    // lock too, until the COMMIT below).
    const auto pid = watch.scalar(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'catalog-api' AND datname = "
        "current_database() AND wait_event_type = 'Lock'");
    EXPECT_TRUE(pid.has_value()) << "the statement never waited on the lock";
    if (pid) {
      watch.query("SELECT pg_terminate_backend($1::int)", {*pid});
      while (watch.scalar("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", {*pid}) &&
             Clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(5));
      }
    }
    conn.exec("COMMIT");
    return reply.get();
  };
  const Reply read = lose_during([&] { return to_reply(client->Get("/api/products?limit=2")); });
  EXPECT_EQ(read.status, 200) << read.body;
  const Reply write = lose_during([&] {
    return to_reply(client->Post("/api/products", product("mid").dump(), "application/json"));
  });
  EXPECT_EQ(write.status, 503) << write.body;
  EXPECT_EQ(*conn.scalar("SELECT count(*) FROM loadgate_a.products WHERE sku = 'SKU-mid'"), "0");

  const Reply health = to_reply(client->Get("/health"));
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.doc["pool"]["retries"], 1) << health.body;
  EXPECT_GE(health.doc["pool"]["reconnects"].get<int>(), 2) << health.body;
}

// Fault 1, database down: /health is 503 at once and the pool does not hammer the server.
TEST_F(CatalogApiFaults, StoppedDatabaseGives503HealthAndBackoffBoundsReconnectAttempts) {
  db::ClusterOptions options;
  options.max_connections = 20;
  options.dbname = "down";
  std::unique_ptr<db::EmbeddedCluster> cluster = db::EmbeddedCluster::start(options);
  ApiProcess api({"--dsn", cluster->dsn(), "--option", "A", "--pool", "4", "--threads", "4"});
  auto client = make_client(api.port());
  ASSERT_EQ(to_reply(client->Get("/health")).status, 200);
  cluster->stop();

  // Two clients ask as fast as they can for 2 s.
  const auto until = Clock::now() + std::chrono::seconds(2);
  auto hammer = [&] {
    auto c = make_client(api.port());
    std::set<int> statuses;
    milliseconds slowest{0};
    while (Clock::now() < until) {
      const auto start = Clock::now();
      statuses.insert(to_reply(c->Get("/health")).status);
      slowest = std::max(slowest, std::chrono::duration_cast<milliseconds>(Clock::now() - start));
    }
    return std::make_pair(statuses, slowest);
  };
  auto other = std::async(std::launch::async, hammer);
  const auto [statuses, slowest] = hammer();
  const auto [other_statuses, other_slowest] = other.get();
  EXPECT_EQ(statuses, std::set<int>{503});
  EXPECT_EQ(other_statuses, std::set<int>{503});
  EXPECT_LT(std::max(slowest, other_slowest), milliseconds(1000));

  const Reply health = to_reply(client->Get("/health"));
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.doc["database"], "unreachable") << health.body;
  EXPECT_EQ(health.doc["pool"]["state"], "down") << health.body;
  const int attempts = health.doc["pool"]["reconnectFailures"].get<int>() +
                       health.doc["pool"]["reconnects"].get<int>();
  // 50 ms doubling to a 2 s cap: about 6 attempts in 2 s, plus one per connection found lost
  // before the first failure.
  EXPECT_GE(attempts, 1) << health.body;
  EXPECT_LT(attempts, 30) << health.body;
  EXPECT_EQ(to_reply(client->Get("/ping")).status, 200);
}

// Fault 2: ids from a sequence; an explicit id of 2^63 - 1 leaves later creations working.
TEST_F(CatalogApiFaults, ExplicitMaxIdThenCreationsWithoutIdStillWork) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (const char* option : {"A", "B"}) {
    SCOPED_TRACE(option);
    auto api = std::make_unique<ApiProcess>(
        std::vector<std::string>{"--dsn", dsn_, "--option", option, "--pool", "2"});
    auto client = make_client(api->port());
    auto create = [&](json body) {
      return to_reply(client->Post("/api/products", body.dump(), "application/json"));
    };
    const std::string k = std::string("id-") + option;
    json huge = product(k + "-max");
    huge["id"] = kMax;
    const Reply max = create(huge);
    ASSERT_EQ(max.status, 201) << max.body;
    EXPECT_EQ(max.doc["data"]["id"].get<std::int64_t>(), kMax);

    const Reply a = create(product(k + "-a"));
    ASSERT_EQ(a.status, 201) << a.body;
    const std::int64_t id_a = a.doc["data"]["id"].get<std::int64_t>();
    EXPECT_GT(id_a, 1000);  // past the dataset
    EXPECT_LT(id_a, kMax);

    // An explicit id just ahead of the sequence: the sequence skips it instead of failing.
    json ahead = product(k + "-ahead");
    ahead["id"] = id_a + 2;
    ASSERT_EQ(create(ahead).status, 201);
    std::set<std::int64_t> ids = {kMax, id_a, id_a + 2};
    for (const char* s : {"-b", "-c", "-d"}) {
      const Reply r = create(product(k + s));
      ASSERT_EQ(r.status, 201) << r.body;
      EXPECT_TRUE(ids.insert(r.doc["data"]["id"].get<std::int64_t>()).second) << r.body;
    }
    // A restarted server does not drag the sequence to the largest id either. (The client
    // goes first: an idle keep-alive connection holds a stopping server for 2 s.)
    client.reset();
    api = std::make_unique<ApiProcess>(
        std::vector<std::string>{"--dsn", dsn_, "--option", option, "--pool", "2"});
    client = make_client(api->port());
    const Reply after_restart = create(product(k + "-e"));
    ASSERT_EQ(after_restart.status, 201) << after_restart.body;
    EXPECT_LT(after_restart.doc["data"]["id"].get<std::int64_t>(), kMax);
    // Out of range is still the client's error.
    json too_big = product(k + "-bad");
    too_big["id"] = static_cast<std::uint64_t>(kMax) + 1;
    EXPECT_EQ(create(too_big).status, 400);
  }
}

// Fault 3: a chunked body is bounded like one with a Content-Length.
TEST_F(CatalogApiFaults, ChunkedBodyOverTheLimitIs413AtOnceAndTheServerStaysUp) {
  ApiProcess api({"--dsn", dsn_, "--option", "A", "--pool", "2", "--threads", "4"});
  const auto start = Clock::now();
  const std::string raw = raw_exchange(api.port(),
                                       "POST /api/products HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                       "application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                                       2u << 20, std::chrono::seconds(5));
  EXPECT_EQ(status_of(raw), 413) << raw.substr(0, 300);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_NE(raw.find("larger than 1048576 bytes"), std::string::npos) << raw.substr(0, 300);

  // A chunked body within the limit is still accepted.
  auto client = make_client(api.port());
  const std::string body = product("chunked").dump();
  const Reply created = to_reply(client->Post(
      "/api/products",
      [&body](std::size_t, httplib::DataSink& sink) {
        sink.write(body.data(), body.size());
        sink.done();
        return true;
      },
      "application/json"));
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(api.alive());
  EXPECT_EQ(to_reply(client->Get("/health")).status, 200);
}

// Fault 4: Range is ignored, so many ranges cannot multiply a response.
TEST_F(CatalogApiFaults, RangeHeaderOf2500RangesGetsTheWholeSmallMetricsAnswer) {
  ApiProcess api({"--dsn", dsn_, "--option", "A", "--pool", "2", "--threads", "4"});
  auto client = make_client(api.port());
  for (int i = 0; i < 20; ++i) client->Get("/api/products?limit=1");  // a few series to render
  std::string ranges = "bytes=0-";
  for (int i = 1; i < 2500; ++i) ranges += ",0-";  // each one the whole body
  const auto res = client->Get("/metrics", {{"Range", ranges}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(res->body.size(), std::size_t{1} << 20);
  EXPECT_EQ(res->body.rfind("# HELP", 0), 0u) << res->body.substr(0, 200);
  EXPECT_FALSE(res->has_header("Content-Range"));
  const auto single = client->Get("/health", {{"Range", "bytes=0-3"}});
  ASSERT_TRUE(single);
  EXPECT_EQ(single->status, 200);
  EXPECT_FALSE(json::parse(single->body, nullptr, false).is_discarded()) << single->body;
}

// Fault 5: a POST without Content-Length is answered at once, not after the read timeout.
TEST_F(CatalogApiFaults, PostWithoutContentLengthIsAnsweredAtOnce) {
  ApiProcess api({"--dsn", dsn_, "--option", "A", "--pool", "2", "--threads", "4"});
  const auto start = Clock::now();
  const std::string raw = raw_exchange(
      api.port(),
      "POST /api/products HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\r\n", 0,
      std::chrono::seconds(5));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(status_of(raw), 411) << raw;
  const auto doc = json::parse(raw.substr(raw.find("\r\n\r\n") + 4), nullptr, false);
  EXPECT_EQ(doc.value("success", true), false) << raw;
  EXPECT_EQ(to_reply(make_client(api.port())->Get("/ping")).status, 200);
}

}  // namespace
}  // namespace lg::api
