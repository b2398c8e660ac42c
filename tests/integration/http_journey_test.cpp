// HTTP journeys end to end against nginx on loopback: k6-style checks are a rate metric that
// thresholds gate, a failed check is not a failed request, and thousands of keep-alive users
// with think time (past the 900 connections the old select()-based client could hold) each
// keep one connection and every request they record is one nginx served.

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/nginx_fixture.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// nginx's stub_status counters: connections accepted and requests served so far.
struct NginxCounters {
  long accepts = -1;
  long requests = -1;
};

NginxCounters counters(const NginxServer& nginx) {
  httplib::Client client(nginx.base_url());
  const auto res = client.Get("/nginx_status");
  NginxCounters c;
  if (!res || res->status != 200) return c;
  // "Active connections: N \nserver accepts handled requests\n A H R \n..."
  const auto at = res->body.find("requests\n");
  if (at == std::string::npos) return c;
  std::istringstream in(res->body.substr(at + 9));
  long handled = 0;
  in >> c.accepts >> handled >> c.requests;
  return c;
}

json run(const std::string& dsn, const fs::path& dir, const std::string& scenario, int code) {
  std::ofstream(dir / "s.toml") << scenario;
  fs::remove_all(dir / "results");
  std::string out;
  EXPECT_EQ(run_loadgate({"run", (dir / "s.toml").string(), "--dsn", dsn, "--mark-db",
                          "--results-dir", (dir / "results").string()},
                         &out),
            code)
      << out;
  std::ifstream in(fs::directory_iterator(dir / "results")->path() / "summary.json");
  return json::parse(in);
}

std::string head(const std::string& base_url) {
  return "name = \"journeys\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
         "[http]\nbase_url = \"" +
         base_url + "\"\n";
}

TEST(HttpJourney, ChecksAreARateThatThresholdsGateAndAFailedCheckIsNotAFailedRequest) {
  NginxServer nginx;
  const std::string dsn = fresh_database("http_journey_checks");
  const fs::path dir = make_temp_dir("checks");
  // The second step's request expects the 404 it gets (not a failed request), but its check
  // wants a 200: half the status checks fail.
  const json s = run(dsn, dir,
                     head(nginx.base_url()) +
                         "[workload.requests.product]\npath = \"/product\"\n"
                         "[workload.requests.missing]\npath = \"/missing\"\nexpect_status = 404\n"
                         "[workload.journeys.browse]\nsteps = [\n"
                         "  { request = \"product\", think = \"20ms\", checks = { status = 200, "
                         "body = \"Trail Runner\", max_duration = \"1s\" } },\n"
                         "  { request = \"missing\", checks = { status = 200 } },\n]\n"
                         "[executor]\ntype = \"ramping-vus\"\nstart_vus = 4\n"
                         "stages = [{ duration = \"2s\", target = 4 }]\n"
                         "[thresholds]\n\"checks\" = [\"rate>0.99\"]\n"
                         "\"checks{check:body}\" = [\"rate==1\"]\n"
                         "\"http_req_failed\" = [\"rate==0\"]\n",
                     99);
  const json& a = s["options"]["A"];
  const auto iterations = a["journeys"]["browse"]["iterations"].get<std::int64_t>();
  EXPECT_GT(iterations, 50);
  EXPECT_EQ(a["requests"]["missing"]["all"]["errors"].get<std::int64_t>(), 0);
  const json& by = a["checks"]["by_check"];
  EXPECT_EQ(by["body"]["failed"].get<std::int64_t>(), 0) << by.dump();
  EXPECT_EQ(by["max_duration"]["failed"].get<std::int64_t>(), 0) << by.dump();
  EXPECT_EQ(by["status"]["passed"].get<std::int64_t>(), iterations) << by.dump();
  EXPECT_EQ(by["status"]["failed"].get<std::int64_t>(), iterations) << by.dump();
  ASSERT_EQ(s["thresholds"].size(), 3u);
  EXPECT_FALSE(s["thresholds"][0]["passed"].get<bool>());  // checks: 3 of 4 passed
  EXPECT_NEAR(s["thresholds"][0]["observed"].get<double>(), 0.75, 0.01);
  EXPECT_TRUE(s["thresholds"][1]["passed"].get<bool>());  // every body check
  EXPECT_TRUE(s["thresholds"][2]["passed"].get<bool>());  // no failed request
  fs::remove_all(dir);
}

TEST(HttpJourney, TwoThousandFiveHundredKeepAliveUsersWithThinkTimeEachHoldOneConnection) {
  constexpr int kUsers = 2500;
  NginxOptions o;
  o.extra_config = "location = /nginx_status { stub_status; }";
  NginxServer nginx(o);
  const std::string dsn = fresh_database("http_journey_users");
  const fs::path dir = make_temp_dir("users");
  const NginxCounters before = counters(nginx);
  ASSERT_GE(before.accepts, 0);
  const json s =
      run(dsn, dir,
          head(nginx.base_url()) +
              "[workload.requests.product]\npath = \"/product\"\n"
              "[workload.journeys.browse]\nsteps = [{ request = \"product\", think = \"1s\" }]\n"
              "[executor]\ntype = \"ramping-vus\"\nstart_vus = " +
              std::to_string(kUsers) +
              "\nstages = [{ duration = \"4s\", target = " + std::to_string(kUsers) + " }]\n",
          0);
  const NginxCounters after = counters(nginx);
  const json& all = s["options"]["A"]["requests"]["product"]["all"];
  // About 4 requests per user (one per second of think time); every one recorded and served.
  EXPECT_GE(all["count"].get<std::int64_t>(), 3 * kUsers) << all.dump();
  EXPECT_EQ(all["errors"].get<std::int64_t>(), 0);
  // Our two stub_status reads are requests (and connections) of their own.
  EXPECT_EQ(after.requests - before.requests - 1, all["count"].get<std::int64_t>());
  EXPECT_EQ(after.accepts - before.accepts - 1, kUsers);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
