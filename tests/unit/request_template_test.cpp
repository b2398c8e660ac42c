// HTTP request templates: placeholders become parameter draws (once per generator), values are
// encoded for where they land, and mistakes name the template's field.

#include "harness/workload/request_template.hpp"

#include <gtest/gtest.h>

#include "datagen/product_gen.hpp"
#include "harness/driver/http_driver.hpp"
#include "harness/workload/params.hpp"

namespace lg::workload {
namespace {

RequestTemplate compile(const std::string& path, const std::string& body = "",
                        const std::string& method = "GET") {
  return compile_request("r", method, path, body, 0, SourceLoc{"s.toml", 3, 1},
                         "workload.requests.r");
}

TEST(RequestTemplate, PlaceholdersBecomeGeneratorsDrawnOnce) {
  const auto t = compile("/p?min={price_min}&max={price_max}&c={category}&again={category}");
  EXPECT_EQ(t.params.generators, (std::vector<std::string>{"price_range", "category"}));
  EXPECT_EQ(t.params.param_count, 3);
  std::string out;
  render(t.path, {"1.50", "9.99", "17"}, true, out);
  EXPECT_EQ(out, "/p?min=1.50&max=9.99&c=17&again=17");
}

TEST(RequestTemplate, PathValuesArePercentEncodedBodyValuesJsonEscaped) {
  const auto t = compile("/search?q={search_words}", R"({"q":"{search_words}"})", "POST");
  std::string path, body;
  render(t.path, {"a b&c=\"d\"/é"}, true, path);
  EXPECT_EQ(path, "/search?q=a%20b%26c%3D%22d%22%2F%C3%A9");
  render(t.body, {"say \"hi\" \\ bye"}, false, body);
  EXPECT_EQ(body, R"({"q":"say \"hi\" \\ bye"})");
}

TEST(RequestTemplate, DrawsRealValuesFromTheGenerators) {
  const datagen::ProductGenerator data(42, 1000);
  ParamGenerator gen(data, 42, 0);
  const auto t = compile("/api/products/{slug}?page={page}");
  const auto values = gen.next(t.params);
  ASSERT_EQ(values.size(), 2u);
  std::string out;
  render(t.path, values, true, out);
  EXPECT_EQ(out.rfind("/api/products/", 0), 0u);
  const int page = std::stoi(*values[1]);
  EXPECT_GE(page, 1);
  EXPECT_LE(page, 11);
}

TEST(RequestTemplate, MistakesNameTheField) {
  auto field_of = [](auto&& fn) {
    try {
      fn();
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("s.toml:3:1: ", 0), 0u) << e.what();
      return e.field() + " | " + e.what();
    }
    return std::string("accepted");
  };
  EXPECT_NE(field_of([] { compile("/p/{nope}"); }).find("workload.requests.r.path | "),
            std::string::npos);
  EXPECT_NE(field_of([] { compile("/p/{nope}"); }).find("unknown placeholder {nope}"),
            std::string::npos);
  EXPECT_NE(field_of([] { compile("/p/{slug"); }).find("unterminated"), std::string::npos);
  EXPECT_NE(field_of([] { compile("api/x"); }).find("must start with '/'"), std::string::npos);
  EXPECT_NE(field_of([] { compile("/x", "", "PATCH"); }).find("workload.requests.r.method"),
            std::string::npos);
  EXPECT_NE(
      field_of([] { compile("/x", "{\"a\":{bad}}", "POST"); }).find("workload.requests.r.body"),
      std::string::npos);
}

TEST(HttpDriverHelpers, BaseUrlSplitsOriginAndPrefix) {
  auto b = driver::parse_base_url("http://127.0.0.1:8080/staging/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->origin, "http://127.0.0.1:8080");
  EXPECT_EQ(b->prefix, "/staging");
  EXPECT_EQ(driver::parse_base_url("https://api.example.com")->prefix, "");
  EXPECT_FALSE(driver::parse_base_url("ftp://x"));
  EXPECT_FALSE(driver::parse_base_url("http://"));
  EXPECT_FALSE(driver::parse_base_url("http://host/a?b"));
}

TEST(HttpDriverHelpers, SuccessFalseIsAFailureWhereverTheSpacesAre) {
  EXPECT_TRUE(driver::reports_failure(R"({"success":false,"error":"x"})"));
  EXPECT_TRUE(driver::reports_failure(R"({ "success" : false })"));
  EXPECT_FALSE(driver::reports_failure(R"({"success":true,"data":[]})"));
  EXPECT_FALSE(driver::reports_failure(R"([1,2,3])"));
  EXPECT_FALSE(driver::reports_failure(""));
}

}  // namespace
}  // namespace lg::workload
