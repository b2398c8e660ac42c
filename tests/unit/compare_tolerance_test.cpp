// --tolerance syntax and precedence.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/compare/tolerance.hpp"
#include "harness/core/errors.hpp"

namespace lg::compare {
namespace {

TEST(Tolerance, DefaultsGateEveryPercentileTimeAndThroughput) {
  const auto t = Tolerances::parse({});
  EXPECT_EQ(t.lookup("A", "sku_lookup", "p95"), 0.15);
  EXPECT_EQ(t.lookup("A", "sku_lookup", "p99"), 0.15);
  EXPECT_EQ(t.lookup("", "BM_Query", "time"), 0.15);
  EXPECT_EQ(t.lookup("B", "sku_lookup", "throughput"), 0.10);
  EXPECT_EQ(t.lookup("A", "sku_lookup", "p50"), 0.10);
  EXPECT_EQ(Tolerances::parse({"p50=off"}).lookup("A", "sku_lookup", "p50"), std::nullopt);
}

struct ParseCase {
  std::string text;
  std::string option, name, metric;
  std::optional<double> fraction;
};

class ToleranceParseValid : public testing::TestWithParam<ParseCase> {};

TEST_P(ToleranceParseValid, SplitsOptionNameMetricAndValue) {
  const auto& c = GetParam();
  const auto r = parse_tolerance(c.text);
  EXPECT_EQ(r.option, c.option);
  EXPECT_EQ(r.name, c.name);
  EXPECT_EQ(r.metric, c.metric);
  ASSERT_EQ(r.fraction.has_value(), c.fraction.has_value());
  if (c.fraction) {
    EXPECT_DOUBLE_EQ(*r.fraction, *c.fraction);
  }
  EXPECT_EQ(r.source, c.text);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ToleranceParseValid,
    testing::Values(ParseCase{"p95=0.2", "", "", "p95", 0.2},
                    ParseCase{"throughput=5%", "", "", "throughput", 0.05},
                    ParseCase{"sku_lookup.p99=0.3", "", "sku_lookup", "p99", 0.3},
                    ParseCase{"C:sku_lookup.p99=off", "C", "sku_lookup", "p99", std::nullopt},
                    ParseCase{"A:p95=50%", "A", "", "p95", 0.5},
                    ParseCase{"p50=0", "", "", "p50", 0.0},
                    // The name is everything before the LAST dot: benchmark names may hold dots.
                    ParseCase{"BM_Query/v1.2.time=0.1", "", "BM_Query/v1.2", "time", 0.1}));

class ToleranceParseInvalid : public testing::TestWithParam<std::string> {};

TEST_P(ToleranceParseInvalid, ThrowsInputErrorNamingTheFlagAndValue) {
  try {
    parse_tolerance(GetParam());
    FAIL() << "accepted " << GetParam();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "--tolerance");
    EXPECT_NE(std::string(e.what()).find("\"" + GetParam() + "\""), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Bad, ToleranceParseInvalid,
                         testing::Values("", "p95", "=0.1", "p96=0.1", "p95=", "p95=abc",
                                         "p95=-0.1", "p95=0.1x", "p95=nan", "p95=inf",
                                         "throughput=1.5", "throughput=150%", "p99=101", ":p95=0.1",
                                         ".p95=0.1", "sku_lookup.=0.1"));

TEST(Tolerance, MostSpecificRuleWinsAndLaterWinsAmongEquals) {
  const auto t = Tolerances::parse(
      {"p99=0.2", "sku_lookup.p99=0.3", "C:p99=0.4", "C:sku_lookup.p99=0.5", "p99=0.25"});
  EXPECT_EQ(t.lookup("A", "category_page", "p99"), 0.25);  // later plain rule replaces 0.2
  EXPECT_EQ(t.lookup("A", "sku_lookup", "p99"), 0.3);      // name beats option
  EXPECT_EQ(t.lookup("C", "category_page", "p99"), 0.4);
  EXPECT_EQ(t.lookup("C", "sku_lookup", "p99"), 0.5);
  EXPECT_EQ(t.lookup("C", "sku_lookup", "p95"), 0.15);  // other metrics keep defaults
}

TEST(Tolerance, OffDisablesAGateAndAMoreSpecificRuleCanReenableIt) {
  const auto t = Tolerances::parse({"throughput=off", "sku_lookup.throughput=0.2"});
  EXPECT_EQ(t.lookup("A", "category_page", "throughput"), std::nullopt);
  EXPECT_EQ(t.lookup("A", "sku_lookup", "throughput"), 0.2);
}

}  // namespace
}  // namespace lg::compare
