// catalog-api against a real PostgreSQL and the real server on loopback: every endpoint and
// its bad inputs, an injection corpus on every parameter, writes on each option's write
// table, option C's fallback when the view disappears and its rollout percentage, health,
// metrics, exit codes and shutdown.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

constexpr std::array<const char*, 3> kOptions = {"A", "B", "C"};
constexpr int kA = 0, kB = 1, kC = 2;

using lg::test::ApiProcess;
using lg::test::make_client;
using lg::test::Reply;
using lg::test::run_api_to_exit;
using lg::test::to_reply;

// ---------------------------------------------------------------------------------------------
// HTTP helpers.

/// Percent-encodes every byte except unreserved characters (RFC 3986).
std::string enc(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<std::int64_t> ids_of(const Reply& r) {
  std::vector<std::int64_t> ids;
  if (r.doc.is_object() && r.doc.contains("data") && r.doc["data"].is_array()) {
    for (const auto& p : r.doc["data"]) ids.push_back(p.at("id").get<std::int64_t>());
  }
  return ids;
}

bool is_json_error(const Reply& r) {
  return r.doc.is_object() && r.doc.value("success", true) == false && r.doc.contains("error") &&
         r.doc["error"].is_string();
}

// ---------------------------------------------------------------------------------------------
// The suite: one database holding A, B and C, one server per option.

class CatalogApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      start_suite();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }

  static void start_suite() {
    if (::access(CATALOG_API_BINARY, X_OK) != 0) {
      throw std::runtime_error(std::string("no catalog-api binary at '") + CATALOG_API_BINARY +
                               "'");
    }
    dsn_ = lg::test::fresh_database("catalog_api");
    std::string out;
    const int code = lg::test::run_loadgate(
        {"datagen", "--dsn", dsn_, "--mark-db", "--products", "2000", "--options", "A,B,C"}, &out);
    if (code != 0) throw std::runtime_error("datagen failed: " + out);
    conn_ = std::make_unique<db::Connection>(db::Connection::open(dsn_));
    for (int o = 0; o < 3; ++o) {
      servers_[o] = std::make_unique<ApiProcess>(std::vector<std::string>{
          "--dsn", dsn_, "--option", kOptions[o], "--pool", "3", "--threads", "8"});
      clients_[o] = make_client(servers_[o]->port());
    }
    category_ = *conn_->scalar(
        "SELECT category_id FROM loadgate_a.products WHERE status = 'publish' "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
    brand_ = *conn_->scalar(
        "SELECT brand FROM loadgate_a.products WHERE status = 'publish' "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
    word_ = *conn_->scalar(
        "SELECT lower(split_part(name, ' ', 1)) FROM loadgate_a.products "
        "WHERE id = 1");
  }

  static void TearDownTestSuite() {
    for (auto& c : clients_) c.reset();
    for (auto& s : servers_) s.reset();
    conn_.reset();
  }

  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static Reply get(int o, const std::string& path) { return to_reply(clients_[o]->Get(path)); }
  static Reply post(int o, const std::string& path, const std::string& body) {
    return to_reply(clients_[o]->Post(path, body, "application/json"));
  }
  static Reply put(int o, const std::string& path, const std::string& body) {
    return to_reply(clients_[o]->Put(path, body, "application/json"));
  }
  static Reply del(int o, const std::string& path) { return to_reply(clients_[o]->Delete(path)); }

  static void set_rollout(int percent) {
    const Reply r = post(kC, "/admin/rollout", json{{"percent", percent}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Row count and a digest of every row of the write tables, and whether the view exists.
  static std::string data_fingerprint() {
    return *conn_->scalar(
        "SELECT (SELECT count(*) || ':' || md5(coalesce(string_agg(p::text, '|' ORDER BY id), ''))"
        "        FROM loadgate_a.products p) || ' ' ||"
        "       (SELECT count(*) || ':' || md5(coalesce(string_agg(p::text, '|' ORDER BY id), ''))"
        "        FROM loadgate_b.custom_posts p) || ' ' ||"
        "       (SELECT count(*) || ':' || md5(coalesce(string_agg(p::text, '|' ORDER BY id), ''))"
        "        FROM loadgate_c.custom_posts p) || ' ' ||"
        "       (to_regclass('loadgate_c.mv_product_search') IS NOT NULL)::text");
  }

  static inline std::string setup_error_;
  static inline std::string dsn_;
  static inline std::unique_ptr<db::Connection> conn_;
  static inline std::array<std::unique_ptr<ApiProcess>, 3> servers_;
  static inline std::array<std::unique_ptr<httplib::Client>, 3> clients_;
  static inline std::string category_, brand_, word_;
};

// Renames option C's view away for its lifetime (the fault the rollout scenario injects).
class ViewRenamedAway {
 public:
  explicit ViewRenamedAway(db::Connection& conn) : conn_(conn) {
    conn_.exec(
        "ALTER MATERIALIZED VIEW loadgate_c.mv_product_search "
        "RENAME TO mv_product_search_offline");
  }
  ~ViewRenamedAway() {
    conn_.exec(
        "ALTER MATERIALIZED VIEW loadgate_c.mv_product_search_offline "
        "RENAME TO mv_product_search");
  }

 private:
  db::Connection& conn_;
};

// ---------------------------------------------------------------------------------------------
// Reads.

TEST_F(CatalogApi, ListingReturnsPublishedProductsWithPagingMeta) {
  const std::string published =
      *conn_->scalar("SELECT count(*) FROM loadgate_a.products WHERE status = 'publish'");
  const std::array<const char*, 3> sources = {"products", "custom_posts", "mv"};
  for (int o = 0; o < 3; ++o) {
    const Reply r = get(o, "/api/products?limit=7&page=2");
    ASSERT_EQ(r.status, 200) << kOptions[o] << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.source, sources[o]);
    EXPECT_EQ(r.doc["success"], true);
    ASSERT_EQ(r.doc["data"].size(), 7u);
    const json& p = r.doc["data"][0];
    for (const char* key : {"id", "sku", "slug", "name", "categoryId", "brand", "price", "stock",
                            "status", "createdAt"}) {
      EXPECT_TRUE(p.contains(key)) << key;
    }
    EXPECT_TRUE(p["price"].is_number());
    EXPECT_EQ(p["status"], "publish");
    EXPECT_EQ(r.doc["meta"]["total"].get<std::int64_t>(), std::stoll(published));
    EXPECT_EQ(r.doc["meta"]["page"], 2);
    EXPECT_EQ(r.doc["meta"]["limit"], 7);
    EXPECT_EQ(r.doc["meta"]["totalPages"], (std::stoll(published) + 6) / 7);
  }
}

TEST_F(CatalogApi, DefaultOrderIsNewestFirstWithIdTieBreak) {
  const Reply r = get(kA, "/api/products?limit=100");
  ASSERT_EQ(r.status, 200);
  const auto expected = conn_->query(
      "SELECT id FROM loadgate_a.products WHERE status = 'publish' "
      "ORDER BY created_at DESC, id DESC LIMIT 100");
  ASSERT_EQ(r.doc["data"].size(), static_cast<size_t>(expected.rows()));
  for (int i = 0; i < expected.rows(); ++i) {
    EXPECT_EQ(r.doc["data"][i]["id"].get<std::int64_t>(),
              std::stoll(std::string(expected.get(i, 0))));
  }
}

TEST_F(CatalogApi, EqualSortKeysAreOrderedByIdInTheSortDirection) {
  const std::string name = *conn_->scalar(
      "SELECT name FROM loadgate_a.products WHERE status = 'publish' GROUP BY name "
      "HAVING count(*) > 1 ORDER BY count(*) DESC, name LIMIT 1");
  for (const char* order : {"asc", "desc"}) {
    for (int o = 0; o < 3; ++o) {
      const Reply r = get(o, "/api/products?limit=100&sortBy=name&sortOrder=" + std::string(order) +
                                 "&search=" + enc(name));
      ASSERT_EQ(r.status, 200) << r.body;
      int ties = 0;
      const json& d = r.doc["data"];
      for (size_t i = 1; i < d.size(); ++i) {
        if (d[i]["name"] != d[i - 1]["name"]) continue;
        ++ties;
        const bool ascending = d[i]["id"].get<std::int64_t>() > d[i - 1]["id"].get<std::int64_t>();
        EXPECT_EQ(ascending, std::string(order) == "asc") << kOptions[o] << " " << d[i]["name"];
      }
      EXPECT_GT(ties, 0) << "no equal names in the page: the check proved nothing";
    }
  }
}

TEST_F(CatalogApi, SameFiltersGiveSameIdsOnAllOptionsAndBothCSources) {
  const std::vector<std::string> paths = {
      "/api/products",
      "/api/products?categoryId=" + category_ + "&limit=50",
      "/api/products?brand=" + enc(brand_) + "&sortBy=name&sortOrder=asc",
      "/api/products?priceMin=10&priceMax=50.5&inStock=true&sortBy=price&sortOrder=ASC&limit=100",
      "/api/products?inStock=false&limit=100&sortBy=price",
      "/api/products?search=" + word_ + "&sortBy=price&sortOrder=desc",
      "/api/products?page=3&limit=7&sortBy=name&sortOrder=desc",
      "/api/products?categoryId=" + category_ + "&priceMax=20&inStock=1&page=2&limit=5",
      "/api/products/search?q=" + word_ + "&limit=100",
      "/api/categories/" + category_ + "/products?page=2&sortBy=created_at&sortOrder=asc",
      "/api/brands/" + enc(brand_) + "/products?sortBy=price",
  };
  for (int percent : {100, 0}) {
    set_rollout(percent);
    for (const auto& path : paths) {
      const Reply a = get(kA, path), b = get(kB, path), c = get(kC, path);
      ASSERT_EQ(a.status, 200) << path << a.body;
      EXPECT_FALSE(ids_of(a).empty()) << path << " returned no rows: a weak comparison";
      EXPECT_EQ(ids_of(a), ids_of(b)) << path;
      EXPECT_EQ(ids_of(a), ids_of(c)) << path << " rollout " << percent;
      EXPECT_EQ(a.doc["meta"], b.doc["meta"]) << path;
      EXPECT_EQ(a.doc["meta"], c.doc["meta"]) << path;
      EXPECT_EQ(c.source, percent == 100 ? "mv" : "custom_posts");
    }
  }
  set_rollout(100);
}

TEST_F(CatalogApi, CategoryBrandAndSearchRoutesReturnOnlyMatchingProducts) {
  const Reply cat = get(kB, "/api/categories/" + category_ + "/products?limit=100");
  ASSERT_EQ(cat.status, 200) << cat.body;
  EXPECT_EQ(cat.doc["meta"]["total"].get<std::int64_t>(),
            std::stoll(*conn_->scalar("SELECT count(*) FROM loadgate_a.products WHERE status = "
                                      "'publish' AND category_id = $1",
                                      {category_})));
  for (const auto& p : cat.doc["data"])
    EXPECT_EQ(std::to_string(p["categoryId"].get<int>()), category_);

  const Reply brand = get(kC, "/api/brands/" + enc(brand_) + "/products");
  ASSERT_EQ(brand.status, 200) << brand.body;
  ASSERT_FALSE(brand.doc["data"].empty());
  for (const auto& p : brand.doc["data"]) EXPECT_EQ(p["brand"], brand_);

  const Reply search = get(kA, "/api/products/search?q=" + word_);
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.doc["meta"]["total"].get<std::int64_t>(),
            std::stoll(*conn_->scalar(
                "SELECT count(*) FROM loadgate_a.products WHERE status = 'publish' AND "
                "search_vector @@ plainto_tsquery('english', $1)",
                {word_})));
}

TEST_F(CatalogApi, ProductBySlugComesFromTheWriteTableOr404) {
  const std::string slug = *conn_->scalar("SELECT slug FROM loadgate_a.products WHERE id = 42");
  for (int o = 0; o < 3; ++o) {
    const Reply r = get(o, "/api/products/" + enc(slug));
    ASSERT_EQ(r.status, 200) << kOptions[o] << r.body;
    EXPECT_EQ(r.source, o == kA ? "products" : "custom_posts");
    EXPECT_EQ(r.doc["data"]["id"], 42);
    EXPECT_EQ(r.doc["data"]["slug"], slug);
    EXPECT_FALSE(r.doc["data"]["description"].get<std::string>().empty());
    const Reply missing = get(o, "/api/products/no-such-slug");
    EXPECT_EQ(missing.status, 404);
    EXPECT_TRUE(is_json_error(missing)) << missing.body;
  }
}

TEST_F(CatalogApi, UnknownRouteIsJson404) {
  const Reply r = get(kA, "/api/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(is_json_error(r)) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
}

// ---------------------------------------------------------------------------------------------
// Bad input and injection.

TEST_F(CatalogApi, BadParametersAre400NamingTheParameter) {
  const std::string long_text(201, 'x');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/products?limit=0", "limit"},
      {"/api/products?limit=101", "limit"},
      {"/api/products?limit=abc", "limit"},
      {"/api/products?page=0", "page"},
      {"/api/products?page=-1", "page"},
      {"/api/products?page=1.5", "page"},
      {"/api/products?sortBy=id", "sortBy"},
      {"/api/products?sortBy=price%3BDROP", "sortBy"},
      {"/api/products?sortOrder=sideways", "sortOrder"},
      {"/api/products?categoryId=12abc", "categoryId"},
      {"/api/products?categoryId=99999999999", "categoryId"},
      {"/api/products?priceMin=-1", "priceMin"},
      {"/api/products?priceMin=1e3", "priceMin"},
      {"/api/products?priceMax=NaN", "priceMax"},
      {"/api/products?inStock=yes", "inStock"},
      {"/api/products?brand=", "brand"},
      {"/api/products?bogus=1", "bogus"},
      {"/api/products?limit=5&limit=6", "limit"},
      {"/api/products?brand=" + long_text, "brand"},
      {"/api/products?search=%FF", "search"},
      {"/api/products?search=a%00b", "search"},
      {"/api/products/search", "q"},
      {"/api/products/search?q=", "q"},
      {"/api/products/search?q=x&search=y", "search"},
      {"/api/categories/abc/products", "id"},
      {"/api/brands/" + long_text + "/products", "brand"},
      {"/api/products/" + long_text, "slug"},
  };
  for (const auto& [path, param] : cases) {
    const Reply r = get(kC, path);
    EXPECT_EQ(r.status, 400) << path << " -> " << r.body;
    EXPECT_TRUE(is_json_error(r)) << path << " -> " << r.body;
    if (is_json_error(r)) {
      EXPECT_NE(r.doc["error"].get<std::string>().find(param), std::string::npos)
          << path << " -> " << r.body;
    }
  }
}

TEST_F(CatalogApi, BadBodiesAndIdsAre400NamingTheField) {
  const json good = {{"sku", "SKU-BAD"}, {"slug", "bad"}, {"name", "Bad"},
                     {"categoryId", 1},  {"brand", "B"},  {"price", 1.5}};
  auto without = [&](const char* k) {
    json j = good;
    j.erase(k);
    return j.dump();
  };
  auto with = [&](const char* k, json v) {
    json j = good;
    j[k] = v;
    return j.dump();
  };
  const std::vector<std::tuple<char, std::string, std::string, std::string>> cases = {
      {'P', "/api/products", without("price"), "price"},
      {'P', "/api/products", with("price", "12"), "price"},
      {'P', "/api/products", with("price", -1), "price"},
      {'P', "/api/products", with("price", 1.234), "price"},
      {'P', "/api/products", with("categoryId", 1.5), "categoryId"},
      {'P', "/api/products", with("stock", -3), "stock"},
      {'P', "/api/products", with("status", "deleted"), "status"},
      {'P', "/api/products", with("color", "red"), "color"},
      {'P', "/api/products", with("name", std::string(201, 'n')), "name"},
      {'P', "/api/products", "not json", "body"},
      {'P', "/api/products", "[1,2]", "body"},
      {'P', "/api/products", "{\"sku\":\"\xff\"}", "body"},
      {'U', "/api/products/abc", R"({"stock":1})", "id"},
      {'U', "/api/products/1", "{}", "body"},
      {'U', "/api/products/1", R"({"id":5})", "id"},
      {'D', "/api/products/0", "", "id"},
      {'D', "/api/products/1.0", "", "id"},
      {'P', "/admin/rollout", R"({"percent":101})", "percent"},
      {'P', "/admin/rollout", R"({"percent":"50"})", "percent"},
  };
  const std::string before = data_fingerprint();
  for (const auto& [method, path, body, field] : cases) {
    const Reply r = method == 'P'   ? post(kB, path, body)
                    : method == 'U' ? put(kB, path, body)
                                    : del(kB, path);
    EXPECT_EQ(r.status, 400) << method << " " << path << " " << body << " -> " << r.body;
    EXPECT_TRUE(is_json_error(r)) << r.body;
    if (is_json_error(r)) {
      EXPECT_NE(r.doc["error"].get<std::string>().find(field), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(data_fingerprint(), before);
}

std::vector<std::string> injection_corpus() {
  return {"'",
          "''",
          "\"",
          "' OR '1'='1",
          "1; DROP TABLE loadgate_a.products; --",
          "'; DROP TABLE loadgate_b.custom_posts; --",
          "x'); DELETE FROM loadgate_c.custom_posts; --",
          "1 UNION SELECT id, sku FROM loadgate_a.products --",
          "0 UNION ALL SELECT NULL,NULL,NULL--",
          "/* comment */ 1",
          "-- ",
          "1) OR (1=1",
          "ROLLBACK; TRUNCATE loadgate_a.products",
          "%",
          "_",
          "\\",
          "$1",
          "created_at; DROP TABLE x",
          "ASC, (SELECT pg_sleep(5))",
          std::string("a\0b", 3),
          std::string(10'000, 'a'),
          "\xff\xfe",
          "\xc3\x28",
          "\xed\xa0\x80",
          "\xf0\x9f\x98\x80'; SELECT 1; --"};
}

TEST_F(CatalogApi, InjectionCorpusOnEveryParameterIsAnswered200Or400AndChangesNothing) {
  const std::string before = data_fingerprint();
  const std::vector<std::string> query_params = {"categoryId", "priceMin", "priceMax", "inStock",
                                                 "brand",      "search",   "page",     "limit",
                                                 "sortBy",     "sortOrder"};
  int requests = 0;
  for (int o = 0; o < 3; ++o) {
    for (const auto& payload : injection_corpus()) {
      const std::string v = enc(payload);
      std::vector<std::pair<std::string, std::set<int>>> targets = {
          {"/api/products/search?q=" + v, {200, 400}},
          {"/api/products?" + v + "=1", {400}},  // the parameter name itself
          {"/api/brands/" + v + "/products", {200, 400}},
          {"/api/categories/" + v + "/products", {400}},
          {"/api/products/" + v, {400, 404}},  // a lookup of a slug that does not exist
      };
      for (const auto& p : query_params)
        targets.push_back({"/api/products?" + p + "=" + v, {200, 400}});
      for (const auto& [path, allowed] : targets) {
        const Reply r = get(o, path);
        ++requests;
        EXPECT_TRUE(allowed.count(r.status))
            << kOptions[o] << " " << path.substr(0, 120) << " -> " << r.status << " " << r.body;
        EXPECT_FALSE(r.doc.is_discarded()) << path.substr(0, 120) << " -> " << r.body;
      }
      for (const Reply& r :
           {put(o, "/api/products/" + v, R"({"stock":1})"), del(o, "/api/products/" + v)}) {
        EXPECT_EQ(r.status, 400) << payload.substr(0, 60) << " -> " << r.body;
      }
    }
  }
  EXPECT_GT(requests, 1000);
  EXPECT_EQ(data_fingerprint(), before);
  EXPECT_EQ(get(kC, "/api/products?limit=1").status, 200);  // and the server is still up
}

TEST_F(CatalogApi, InjectionTextInABodyIsStoredVerbatimAsData) {
  const std::string before = data_fingerprint();
  int n = 0;
  for (const auto& payload : injection_corpus()) {
    const bool storable = payload.size() <= 200 && payload.find('\0') == std::string::npos &&
                          json(payload).dump(-1, ' ', false, json::error_handler_t::ignore) ==
                              json(payload).dump(-1, ' ', false, json::error_handler_t::replace);
    const std::string slug = "injection-" + std::to_string(++n);
    std::string body;
    if (storable) {
      body = json{
          {"sku", "INJ-" + std::to_string(n) + payload},
          {"slug", slug},
          {"name", payload},
          {"description", payload},
          {"brand", payload},
          {"categoryId", 1},
          {"price",
           1}}.dump();
    } else {
      body = R"({"sku":")" + payload + R"(","slug":")" + slug + R"("})";  // raw bytes: bad JSON
    }
    for (int o = 0; o < 3; ++o) {
      const Reply created = post(o, "/api/products", body);
      if (!storable) {
        EXPECT_EQ(created.status, 400) << created.body;
        continue;
      }
      ASSERT_EQ(created.status, 201) << kOptions[o] << " " << payload << " -> " << created.body;
      const Reply read = get(o, "/api/products/" + slug);
      EXPECT_EQ(read.doc["data"]["name"], payload);
      EXPECT_EQ(read.doc["data"]["brand"], payload);
      EXPECT_EQ(read.doc["data"]["description"], payload);
      EXPECT_EQ(
          del(o, "/api/products/" + std::to_string(created.doc["data"]["id"].get<std::int64_t>()))
              .status,
          200);
    }
  }
  EXPECT_EQ(data_fingerprint(), before);
}

// ---------------------------------------------------------------------------------------------
// Writes.

TEST_F(CatalogApi, CreateUpdateDeleteRoundTripOnEachWriteTable) {
  const std::string before = data_fingerprint();
  for (int o = 0; o < 3; ++o) {
    const std::string sku = std::string("SKU-RT-") + kOptions[o];
    const std::string slug = std::string("round-trip-") + kOptions[o];
    const Reply created = post(o, "/api/products",
                               json{{"sku", sku},
                                    {"slug", slug},
                                    {"name", "Round Trip"},
                                    {"description", "Made by a test."},
                                    {"categoryId", 7},
                                    {"brand", "Testco"},
                                    {"price", 24.8},
                                    {"stock", 5}}
                                   .dump());
    ASSERT_EQ(created.status, 201) << created.body;
    // From the option's id sequence: past the dataset, not necessarily max(id) + 1 (ids
    // drawn by earlier tests are not handed out again).
    const std::int64_t id = created.doc["data"]["id"];
    const std::string id_text = std::to_string(id);
    EXPECT_GT(id, 2000);
    EXPECT_EQ(created.doc["data"]["status"], "publish");
    if (o == kA) {
      EXPECT_EQ(conn_->scalar("SELECT sku || ' ' || price || ' ' || stock FROM loadgate_a.products "
                              "WHERE id = " +
                              id_text),
                sku + " 24.80 5");
    } else {
      // The document shape and price format of datagen/copy_loader.cpp.
      const std::string table = o == kB ? "loadgate_b.custom_posts" : "loadgate_c.custom_posts";
      EXPECT_EQ(
          conn_->scalar("SELECT \"customFields\"::text FROM " + table + " WHERE id = " + id_text),
          "{\"sku\": \"" + sku +
              "\", \"brand\": \"Testco\", \"price\": 24.80, \"stock\": 5, "
              "\"categoryId\": 7, \"description\": \"Made by a test.\"}");
      EXPECT_EQ(conn_->scalar("SELECT post_type_id || ' ' || title FROM " + table +
                              " WHERE id = " + id_text),
                "1 Round Trip");
    }
    EXPECT_EQ(post(o, "/api/products",
                   json{{"sku", sku},
                        {"slug", "other"},
                        {"name", "Dup"},
                        {"categoryId", 7},
                        {"brand", "T"},
                        {"price", 1}}
                       .dump())
                  .status,
              409);

    const Reply updated =
        put(o, "/api/products/" + id_text, R"({"price": 99.99, "name": "Renamed"})");
    ASSERT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.doc["data"]["price"], 99.99);
    EXPECT_EQ(updated.doc["data"]["name"], "Renamed");
    EXPECT_EQ(updated.doc["data"]["sku"], sku);  // untouched fields keep their value
    EXPECT_EQ(updated.doc["data"]["stock"], 5);
    EXPECT_EQ(get(o, "/api/products/" + slug).doc["data"]["name"], "Renamed");
    EXPECT_EQ(put(o, "/api/products/999999", R"({"stock": 1})").status, 404);

    EXPECT_EQ(del(o, "/api/products/" + id_text).status, 200);
    EXPECT_EQ(del(o, "/api/products/" + id_text).status, 404);
    EXPECT_EQ(get(o, "/api/products/" + slug).status, 404);

    const Reply explicit_id = post(o, "/api/products",
                                   json{{"id", 5000},
                                        {"sku", sku},
                                        {"slug", slug},
                                        {"name", "X"},
                                        {"categoryId", 1},
                                        {"brand", "T"},
                                        {"price", 0.5}}
                                       .dump());
    EXPECT_EQ(explicit_id.status, 201) << explicit_id.body;
    EXPECT_EQ(explicit_id.doc["data"]["id"], 5000);
    EXPECT_EQ(del(o, "/api/products/5000").status, 200);
  }
  EXPECT_EQ(data_fingerprint(), before);
}

TEST_F(CatalogApi, ConcurrentCreatesGetDistinctIds) {
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<std::string> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = make_client(servers_[kA]->port());
      for (int i = 0; i < kEach; ++i) {
        const std::string key = "conc-" + std::to_string(t) + "-" + std::to_string(i);
        const Reply r = to_reply(client->Post("/api/products",
                                              json{{"sku", key},
                                                   {"slug", key},
                                                   {"name", "C"},
                                                   {"categoryId", 1},
                                                   {"brand", "B"},
                                                   {"price", 1}}
                                                  .dump(),
                                              "application/json"));
        if (r.status == 201) {
          ids[t].push_back(r.doc["data"]["id"]);
        } else {
          failures[t] += std::to_string(r.status) + " " + r.body + "\n";
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::int64_t> distinct;
  for (const auto& v : ids) distinct.insert(v.begin(), v.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kEach))
      << failures[0] << failures[1] << failures[2] << failures[3];
  for (auto id : distinct) EXPECT_EQ(del(kA, "/api/products/" + std::to_string(id)).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Option C: fallback and rollout.

TEST_F(CatalogApi, OptionCFallsBackToDocumentsWhenTheViewIsMissing) {
  set_rollout(100);
  const std::string path = "/api/products?categoryId=" + category_ + "&sortBy=price";
  const Reply normal = get(kC, path);
  ASSERT_EQ(normal.source, "mv");
  {
    ViewRenamedAway fault(*conn_);
    for (int i = 0; i < 5; ++i) {
      const Reply r = get(kC, path);
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.source, "fallback");
      EXPECT_EQ(ids_of(r), ids_of(normal));
      EXPECT_EQ(r.doc["meta"], normal.doc["meta"]);
    }
    const Reply metrics = get(kC, "/metrics");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(metrics.body, m,
                                  std::regex(R"(\ncatalog_api_mv_fallback_total (\d+)\n)")))
        << metrics.body;
    EXPECT_GE(std::stoll(m[1]), 5);
    EXPECT_NE(metrics.body.find("source=\"fallback\""), std::string::npos);
  }
  EXPECT_EQ(get(kC, path).source, "mv");  // back on the view as soon as it is back
}

TEST_F(CatalogApi, RolloutPercentIsHonouredWithinStatisticalTolerance) {
  const std::string path = "/api/products?limit=1&categoryId=" + category_;
  auto mv_share = [&](int requests) {
    int mv = 0;
    for (int i = 0; i < requests; ++i) {
      const Reply r = get(kC, path);
      EXPECT_EQ(r.status, 200);
      EXPECT_TRUE(r.source == "mv" || r.source == "custom_posts") << r.source;
      mv += r.source == "mv";
    }
    return static_cast<double>(mv) / requests;
  };
  set_rollout(0);
  EXPECT_EQ(mv_share(50), 0.0);
  set_rollout(30);
  EXPECT_EQ(get(kC, "/health").doc["mvRolloutPercent"], 30);
  // 1000 draws at p = 0.3: sd 1.45 points, so +-6 points is over 4 sd.
  EXPECT_NEAR(mv_share(1000), 0.30, 0.06);
  set_rollout(100);
  EXPECT_EQ(mv_share(50), 1.0);
}

// ---------------------------------------------------------------------------------------------
// Health, metrics, server tuning, process behaviour.

TEST_F(CatalogApi, HealthReportsDatabaseOptionAndViewStaleness) {
  const Reply a = get(kA, "/health");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.doc["success"], true);
  EXPECT_EQ(a.doc["database"], "ok");
  EXPECT_EQ(a.doc["option"], "A");
  EXPECT_TRUE(a.doc["staleness_seconds"].is_null());

  conn_->exec("SELECT loadgate_c.refresh_product_search_with_logging()");
  const Reply c = get(kC, "/health");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.doc["option"], "C");
  EXPECT_EQ(c.doc["mvRolloutPercent"], 100);
  ASSERT_TRUE(c.doc["staleness_seconds"].is_number()) << c.body;
  EXPECT_GE(c.doc["staleness_seconds"].get<double>(), 0.0);
  EXPECT_LT(c.doc["staleness_seconds"].get<double>(), 60.0);
}

TEST_F(CatalogApi, MetricsAreValidPrometheusTextWithCumulativeBuckets) {
  get(kC, "/api/products?limit=1");
  const auto res = clients_[kC]->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  // name{label="value",...} value, as exposition format 0.0.4 defines a sample line.
  const std::string label = R"([a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")";
  const std::regex sample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)" + label + "(," + label +
                          R"()*\})? (NaN|[-+]?[0-9.eE+-]+|\+Inf))");
  std::set<std::string> names;
  std::istringstream lines(res->body);
  std::string line;
  std::int64_t previous_bucket = -1;
  while (std::getline(lines, line)) {
    if (line.rfind("# ", 0) == 0) continue;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, sample)) << line;
    names.insert(m[1]);
    if (m[1] == "catalog_api_request_duration_seconds_bucket") {
      const std::int64_t v = std::stoll(m[4]);
      if (line.find("le=\"0.0005\"") != std::string::npos) previous_bucket = -1;
      EXPECT_GE(v, previous_bucket) << line;  // cumulative
      previous_bucket = v;
    }
  }
  for (const char* n :
       {"catalog_api_request_duration_seconds_bucket", "catalog_api_request_duration_seconds_sum",
        "catalog_api_request_duration_seconds_count", "catalog_api_requests_total",
        "catalog_api_mv_fallback_total", "catalog_api_mv_staleness_seconds"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
  EXPECT_NE(res->body.find(R"(route="/api/products",source="mv",le="+Inf"})"), std::string::npos);
  EXPECT_NE(res->body.find(
                R"(catalog_api_requests_total{method="GET",route="/api/products",status="200"})"),
            std::string::npos);
}

TEST_F(CatalogApi, OneKeepAliveConnectionServesManyRequests) {
  int sockets = 0;
  httplib::Client client("127.0.0.1", servers_[kA]->port());
  client.set_keep_alive(true);
  client.set_socket_options([&sockets](socket_t) { ++sockets; });
  for (int i = 0; i < 50; ++i) {
    const auto r = client.Get("/api/products?limit=1");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  EXPECT_EQ(sockets, 1);  // cpp-httplib's default would have closed it after 5 requests
}

TEST_F(CatalogApi, StartupFailuresExitWith2ForBadFlagsAnd3ForAnUnreachableDatabase) {
  std::string out;
  EXPECT_EQ(run_api_to_exit({"--option", "A"}, &out), 2) << out;
  EXPECT_NE(out.find("--dsn"), std::string::npos) << out;
  EXPECT_EQ(run_api_to_exit({"--dsn", dsn_, "--option", "D"}, &out), 2) << out;
  EXPECT_EQ(run_api_to_exit({"--dsn", dsn_, "--option", "A", "--port", "70000"}, &out), 2) << out;
  EXPECT_EQ(run_api_to_exit(
                {"--dsn", "host=/nonexistent-dir dbname=x password=secret", "--option", "A"}, &out),
            3)
      << out;
  EXPECT_EQ(out.find("secret"), std::string::npos) << "password leaked: " << out;
}

TEST_F(CatalogApi, SigtermStopsTheServerWithExitCode0EvenWithAnIdleKeepAliveConnection) {
  ApiProcess api({"--dsn", dsn_, "--option", "A", "--pool", "1"});
  auto client = make_client(api.port());
  ASSERT_EQ(to_reply(client->Get("/health")).status, 200);
  const auto start = Clock::now();
  EXPECT_EQ(api.stop(), 0);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST_F(CatalogApi, LostDatabaseGives503HealthAndJsonErrorsButPingAndMetricsStillAnswer) {
  const std::string dsn = lg::test::fresh_database("catalog_api_lost");
  ApiProcess api({"--dsn", dsn, "--option", "A", "--pool", "2"});
  auto client = make_client(api.port());
  ASSERT_EQ(to_reply(client->Get("/health")).status, 200);
  db::Connection admin = db::Connection::open(lg::test::cluster().dsn_for("postgres"));
  admin.exec("DROP DATABASE catalog_api_lost WITH (FORCE)");

  const Reply health = to_reply(client->Get("/health"));
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.doc["database"], "unreachable");
  const Reply listing = to_reply(client->Get("/api/products"));
  EXPECT_TRUE(listing.status == 500 || listing.status == 503) << listing.body;
  EXPECT_TRUE(is_json_error(listing)) << listing.body;
  EXPECT_EQ(to_reply(client->Get("/metrics")).status, 200);
  EXPECT_EQ(to_reply(client->Get("/ping")).body, R"({"success":true})");  // needs no database
  EXPECT_EQ(api.stop(), 0);
}

}  // namespace
}  // namespace lg::api
