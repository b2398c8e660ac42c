// Think time text: each accepted form lands in the right kind with its values in ns, the
// canonical text reads back to the same pause, and each mistake gets a short message.

#include "harness/scenario/think_time.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg::scenario {
namespace {

using Kind = ThinkTime::Kind;

struct GoodCase {
  const char* label;
  const char* text;
  Kind kind;
  Nanos a;
  Nanos b;
  const char* canonical;  // to_string of the parsed value
};

const GoodCase kGoodCases[] = {
    {"seconds", "1s", Kind::kConstant, kNanosPerSecond, 0, "1s"},
    {"milliseconds", "500ms", Kind::kConstant, 500 * kNanosPerMilli, 0, "500ms"},
    {"fraction", "1.5s", Kind::kConstant, 1'500 * kNanosPerMilli, 0, "1500ms"},
    {"minutes", "2m", Kind::kConstant, 120 * kNanosPerSecond, 0, "2m"},
    {"zero_is_no_pause", "0s", Kind::kNone, 0, 0, ""},
    {"zero_ms_is_no_pause", "0ms", Kind::kNone, 0, 0, ""},
    {"blanks_around", "  250ms ", Kind::kConstant, 250 * kNanosPerMilli, 0, "250ms"},
    {"uniform", "uniform(500ms, 1500ms)", Kind::kUniform, 500 * kNanosPerMilli,
     1'500 * kNanosPerMilli, "uniform(500ms, 1500ms)"},
    {"uniform_no_spaces", "uniform(1s,2s)", Kind::kUniform, kNanosPerSecond, 2 * kNanosPerSecond,
     "uniform(1s, 2s)"},
    {"uniform_extra_spaces", "uniform ( 1s ,  3s )", Kind::kUniform, kNanosPerSecond,
     3 * kNanosPerSecond, "uniform(1s, 3s)"},
    {"uniform_from_zero", "uniform(0s, 1s)", Kind::kUniform, 0, kNanosPerSecond, "uniform(0s, 1s)"},
    {"uniform_equal_bounds", "uniform(1s, 1s)", Kind::kUniform, kNanosPerSecond, kNanosPerSecond,
     "uniform(1s, 1s)"},
    {"uniform_zero_is_no_pause", "uniform(0s, 0ms)", Kind::kNone, 0, 0, ""},
    {"exponential", "exponential(1s)", Kind::kExponential, kNanosPerSecond, 0, "exponential(1s)"},
    {"exponential_spaces", "exponential( 250ms )", Kind::kExponential, 250 * kNanosPerMilli, 0,
     "exponential(250ms)"},
};

void PrintTo(const GoodCase& c, std::ostream* os) { *os << c.label; }

class ThinkTimeGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(ThinkTimeGood, ParsesToKindAndNanosAndPrintsCanonically) {
  const GoodCase& c = GetParam();
  std::string error = "untouched";
  auto t = parse_think_time(c.text, &error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->kind, c.kind);
  EXPECT_EQ(t->a, c.a);
  EXPECT_EQ(t->b, c.b);
  EXPECT_EQ(to_string(*t), c.canonical);
  // The canonical text is what a report shows; reading it back gives the same pause.
  auto again = parse_think_time(to_string(*t), nullptr);
  if (c.kind == Kind::kNone) {
    EXPECT_FALSE(again.has_value());  // "" is no think time at all: the key is left out
  } else {
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->kind, t->kind);
    EXPECT_EQ(again->a, t->a);
    EXPECT_EQ(again->b, t->b);
  }
}

INSTANTIATE_TEST_SUITE_P(ThinkTime, ThinkTimeGood, ::testing::ValuesIn(kGoodCases),
                         [](const auto& info) { return std::string(info.param.label); });

struct BadCase {
  const char* label;
  const char* text;
  const char* message;  // the whole error
};

const BadCase kBadCases[] = {
    {"empty", "", "expected a duration, uniform(a, b) or exponential(mean)"},
    {"no_unit", "5", "expected a duration, uniform(a, b) or exponential(mean)"},
    {"unknown_distribution", "normal(1s, 2s)",
     "expected a duration, uniform(a, b) or exponential(mean)"},
    {"negative", "-1s", "duration must not be negative"},
    {"uniform_reversed", "uniform(2s, 1s)", "uniform: lower bound above upper bound"},
    {"uniform_one_bound", "uniform(1s)",
     "uniform: expected two bounds, as in uniform(500ms, 1500ms)"},
    {"uniform_three_bounds", "uniform(1s, 2s, 3s)",
     "uniform: expected two bounds, as in uniform(500ms, 1500ms)"},
    {"uniform_unclosed", "uniform(1s, 2s", "uniform: expected uniform(a, b)"},
    {"uniform_bad_bound", "uniform(1s, soon)",
     "uniform: upper bound \"soon\" is not a duration like \"500ms\""},
    {"uniform_negative_bound", "uniform(-1s, 2s)", "uniform: lower bound must not be negative"},
    {"exponential_zero_mean", "exponential(0s)", "exponential: mean must be > 0"},
    {"exponential_two_args", "exponential(1s, 2s)",
     "exponential: expected one mean, as in exponential(1s)"},
    {"exponential_no_parens", "exponential 1s", "exponential: expected exponential(mean)"},
    {"exponential_bad_mean", "exponential(1 s)",
     "exponential: mean \"1 s\" is not a duration like \"500ms\""},
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.label; }

class ThinkTimeBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ThinkTimeBad, RejectedWithAShortMessage) {
  const BadCase& c = GetParam();
  std::string error;
  EXPECT_FALSE(parse_think_time(c.text, &error).has_value());
  EXPECT_EQ(error, c.message);
  EXPECT_FALSE(parse_think_time(c.text, nullptr).has_value());  // error is optional
}

INSTANTIATE_TEST_SUITE_P(ThinkTime, ThinkTimeBad, ::testing::ValuesIn(kBadCases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(ThinkTime, NoneHasNoText) { EXPECT_EQ(to_string(ThinkTime{}), ""); }

}  // namespace
}  // namespace lg::scenario
