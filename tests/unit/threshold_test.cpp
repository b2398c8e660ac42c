// k6 threshold syntax and evaluation over aggregated series.
#include "harness/gate/threshold.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace lg::gate {
namespace {

using metrics::Histogram;
using metrics::MetricKind;
using metrics::SeriesStats;

const SourceLoc kAt{"scenarios/x.toml", 12, 3};

Threshold parse(std::string_view sel, std::string_view expr) {
  return parse_threshold(sel, expr, kAt);
}

struct ValidCase {
  const char* selector;
  const char* expression;
  const char* metric;
  Tags filter;
  MetricKind kind;
  Aggregation agg;
  double percentile;
  Op op;
  double limit;
};

// Readable parameters in failure output (and no byte dump of struct padding).
void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.selector << " = " << c.expression; }

class ParseValid : public testing::TestWithParam<ValidCase> {};

TEST_P(ParseValid, ParsesEveryField) {
  const ValidCase& c = GetParam();
  const Threshold t = parse(c.selector, c.expression);
  EXPECT_EQ(t.metric, c.metric);
  EXPECT_EQ(t.filter, c.filter);
  EXPECT_EQ(t.kind, c.kind);
  EXPECT_EQ(t.agg, c.agg);
  EXPECT_DOUBLE_EQ(t.percentile, c.percentile);
  EXPECT_EQ(t.op, c.op);
  EXPECT_DOUBLE_EQ(t.limit, c.limit);
  EXPECT_EQ(t.at.line, 12);
}

using A = Aggregation;
using K = MetricKind;
INSTANTIATE_TEST_SUITE_P(
    Forms, ParseValid,
    testing::Values(
        ValidCase{"sql_duration",
                  "p(95)<20",
                  "sql_duration",
                  {},
                  K::kTrend,
                  A::kPercentile,
                  95,
                  Op::kLess,
                  20},
        ValidCase{"sql_duration",
                  "p(99.9)<=1.5s",
                  "sql_duration",
                  {},
                  K::kTrend,
                  A::kPercentile,
                  99.9,
                  Op::kLessEq,
                  1500},
        ValidCase{"  sql_duration { query : sku_lookup , option:C } ",
                  " p( 95 ) < 20 ",
                  "sql_duration",
                  {{"option", "C"}, {"query", "sku_lookup"}},
                  K::kTrend,
                  A::kPercentile,
                  95,
                  Op::kLess,
                  20},
        ValidCase{"sql_duration",
                  "p(100)==5ms",
                  "sql_duration",
                  {},
                  K::kTrend,
                  A::kPercentile,
                  100,
                  Op::kEqual,
                  5},
        ValidCase{"sql_duration",
                  "avg<250us",
                  "sql_duration",
                  {},
                  K::kTrend,
                  A::kAvg,
                  0,
                  Op::kLess,
                  0.25},
        ValidCase{
            "sql_duration", "max<2m", "sql_duration", {}, K::kTrend, A::kMax, 0, Op::kLess, 120000},
        ValidCase{
            "sql_duration", "min>=0", "sql_duration", {}, K::kTrend, A::kMin, 0, Op::kGreaterEq, 0},
        ValidCase{
            "mv_staleness", "med!=3", "mv_staleness", {}, K::kTrend, A::kMed, 0, Op::kNotEqual, 3},
        ValidCase{"schedule_lag",
                  "p(50)>1e1",
                  "schedule_lag",
                  {},
                  K::kTrend,
                  A::kPercentile,
                  50,
                  Op::kGreater,
                  10},
        ValidCase{"sql_duration",
                  "p(95)===.5",
                  "sql_duration",
                  {},
                  K::kTrend,
                  A::kPercentile,
                  95,
                  Op::kEqual,
                  0.5},
        ValidCase{"http_req_failed",
                  "rate<0.001",
                  "http_req_failed",
                  {},
                  K::kRate,
                  A::kRate,
                  0,
                  Op::kLess,
                  0.001},
        ValidCase{"dropped_iterations",
                  "count==0",
                  "dropped_iterations",
                  {},
                  K::kCounter,
                  A::kCount,
                  0,
                  Op::kEqual,
                  0},
        ValidCase{"iterations",
                  "rate>100",
                  "iterations",
                  {},
                  K::kCounter,
                  A::kRate,
                  0,
                  Op::kGreater,
                  100},
        ValidCase{"http_req_duration{name:'https://x/y'}",
                  "p(90)<1",
                  "http_req_duration",
                  {{"name", "https://x/y"}},
                  K::kTrend,
                  A::kPercentile,
                  90,
                  Op::kLess,
                  1}));

struct InvalidCase {
  const char* selector;
  const char* expression;
  const char* must_mention;  // the offending token, as quoted in the message
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.selector << " = " << c.expression; }

class ParseInvalid : public testing::TestWithParam<InvalidCase> {};

TEST_P(ParseInvalid, ThrowsInputErrorNamingTheToken) {
  const InvalidCase& c = GetParam();
  try {
    parse(c.selector, c.expression);
    FAIL() << "accepted " << c.selector << " = " << c.expression;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(c.must_mention), std::string::npos) << what;
    EXPECT_EQ(e.at().file, "scenarios/x.toml");
    EXPECT_EQ(e.at().line, 12);
    EXPECT_EQ(what.rfind("scenarios/x.toml:12:3: ", 0), 0u) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Expressions, ParseInvalid,
    testing::Values(InvalidCase{"sql_duration", "p(95)<<20", "unexpected token \"<20\""},
                    InvalidCase{"sql_duration", "p(95)", "missing a comparison operator"},
                    InvalidCase{"sql_duration", "", "empty expression"},
                    InvalidCase{"sql_duration", "   ", "empty expression"},
                    InvalidCase{"sql_duration", "p95<20", "\"p95\""},
                    InvalidCase{"sql_duration", "p(0)<20", "\"0\""},
                    InvalidCase{"sql_duration", "p(100.5)<20", "\"100.5\""},
                    InvalidCase{"sql_duration", "p(-5)<20", "\"-5\""},
                    InvalidCase{"sql_duration", "p(95<20", "\"<20\""},
                    InvalidCase{"sql_duration", "p 95<20", "\"95<20\""},
                    InvalidCase{"sql_duration", "p(abc)<20", "\"abc)<20\""},
                    InvalidCase{"sql_duration", "pct(95)<20", "\"pct\""},
                    InvalidCase{"sql_duration", "<20", "\"<20\""},
                    InvalidCase{"sql_duration", "avg<20xs", "\"xs\""},
                    InvalidCase{"sql_duration", "avg<20h", "\"h\""},
                    InvalidCase{"sql_duration", "avg 20", "\"20\""},
                    InvalidCase{"sql_duration", "avg<", "missing a number"},
                    InvalidCase{"sql_duration", "avg<20 ms", "\"ms\""},
                    InvalidCase{"sql_duration", "avg<20ms extra", "\"extra\""},
                    InvalidCase{"sql_duration", "avg=<20", "\"=<20\""},
                    InvalidCase{"sql_duration", "avg<abc", "\"abc\""},
                    InvalidCase{"http_req_failed", "rate<0.1ms", "\"ms\""},
                    InvalidCase{"dropped_iterations", "count<1s", "\"s\""}));

INSTANTIATE_TEST_SUITE_P(KindMismatch, ParseInvalid,
                         testing::Values(InvalidCase{"sql_duration", "count<5", "\"count\""},
                                         InvalidCase{"sql_duration", "rate<5", "\"rate\""},
                                         InvalidCase{"http_req_failed", "p(95)<5", "\"p(95)\""},
                                         InvalidCase{"http_req_failed", "count<1", "\"count\""},
                                         InvalidCase{"dropped_iterations", "avg<5", "\"avg\""},
                                         InvalidCase{"iterations", "p(99.9)<5", "\"p(99.9)\""}));

INSTANTIATE_TEST_SUITE_P(
    Selectors, ParseInvalid,
    testing::Values(InvalidCase{"nope_metric", "p(95)<20", "unknown metric \"nope_metric\""},
                    InvalidCase{"sql_duration{query:x", "p(95)<20", "missing \"}\""},
                    InvalidCase{"sql_duration{query}", "p(95)<20", "\"query\""},
                    InvalidCase{"sql_duration{}", "p(95)<20", "\"{}\""},
                    InvalidCase{"sql_duration{ :x}", "p(95)<20", "\":x\""},
                    InvalidCase{"sql_duration{query:}", "p(95)<20", "\"query:\""},
                    InvalidCase{"sql_duration{a:1,a:2}", "p(95)<20", "duplicate tag key \"a\""},
                    InvalidCase{"sql_duration{a:1,}", "p(95)<20", "empty tag"},
                    InvalidCase{"sql_duration{a:1} x", "p(95)<20", "\"x\""},
                    InvalidCase{"sql_duration x", "p(95)<20", "\"x\""},
                    InvalidCase{"{a:1}", "p(95)<20", "\"{a:1}\""},
                    InvalidCase{"", "p(95)<20", "missing a metric name"}));

TEST(ParseThreshold, ErrorFieldIsTheSelectorAndMessageQuotesTheExpression) {
  try {
    parse(" sql_duration{query:x} ", "p(95)<<20");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "sql_duration{query:x}");
    EXPECT_EQ(std::string(e.what()),
              "scenarios/x.toml:12:3: sql_duration{query:x}: threshold \"p(95)<<20\": unexpected "
              "token \"<20\", expected a number");
  }
}

TEST(ParseThreshold, KeepsSourceText) {
  const Threshold t = parse(" sql_duration{query:x} ", " p(95) < 20 ");
  EXPECT_EQ(t.selector, "sql_duration{query:x}");
  EXPECT_EQ(t.source, "p(95) < 20");
  EXPECT_EQ(t.at.file, "scenarios/x.toml");
}

TEST(OpText, RendersEveryOperator) {
  EXPECT_EQ(op_text(Op::kLess), "<");
  EXPECT_EQ(op_text(Op::kLessEq), "<=");
  EXPECT_EQ(op_text(Op::kGreater), ">");
  EXPECT_EQ(op_text(Op::kGreaterEq), ">=");
  EXPECT_EQ(op_text(Op::kEqual), "==");
  EXPECT_EQ(op_text(Op::kNotEqual), "!=");
}

// --- evaluation ---

SeriesStats trend(std::string metric, Tags tags, const std::vector<std::int64_t>& us) {
  SeriesStats s;
  s.metric = std::move(metric);
  s.kind = MetricKind::kTrend;
  s.tags = make_tags(std::move(tags));
  s.hist.emplace();
  for (auto v : us) s.hist->record(v);
  s.count = static_cast<std::int64_t>(us.size());
  s.seconds = 10;
  return s;
}

SeriesStats rate(std::string metric, Tags tags, std::int64_t hits, std::int64_t count) {
  SeriesStats s;
  s.metric = std::move(metric);
  s.kind = MetricKind::kRate;
  s.tags = make_tags(std::move(tags));
  s.hits = hits;
  s.count = count;
  s.seconds = 10;
  return s;
}

SeriesStats counter(std::string metric, Tags tags, std::int64_t sum, double seconds) {
  SeriesStats s;
  s.metric = std::move(metric);
  s.kind = MetricKind::kCounter;
  s.tags = make_tags(std::move(tags));
  s.count = sum;
  s.seconds = seconds;
  return s;
}

ThresholdResult eval1(std::string_view sel, std::string_view expr,
                      const std::vector<SeriesStats>& series) {
  const auto out = evaluate({parse(sel, expr)}, series);
  EXPECT_EQ(out.size(), 1u);
  return out.at(0);
}

std::vector<SeriesStats> sql_series() {
  return {trend("sql_duration", {{"query", "a"}, {"option", "A"}}, {1000, 2000, 3000}),
          trend("sql_duration", {{"query", "b"}, {"option", "A"}}, {50000}),
          trend("sql_duration", {{"query", "a"}, {"option", "B"}}, {4000, 5000}),
          trend("sql_service_time", {{"query", "a"}, {"option", "A"}}, {900000})};
}

TEST(Evaluate, TagFilterMergesEverySeriesThatContainsIt) {
  const auto r = eval1("sql_duration{query:a}", "max<10", sql_series());
  EXPECT_EQ(r.samples, 5);
  ASSERT_TRUE(r.observed);
  EXPECT_DOUBLE_EQ(*r.observed, 5.0);
  EXPECT_TRUE(r.passed);
}

TEST(Evaluate, FullTagSetSelectsOneSeries) {
  const auto r = eval1("sql_duration{option:A,query:a}", "max<10", sql_series());
  EXPECT_EQ(r.samples, 3);
  EXPECT_DOUBLE_EQ(*r.observed, 3.0);
}

TEST(Evaluate, NoFilterMergesAllSeriesOfTheMetricOnly) {
  const auto r = eval1("sql_duration", "max<10", sql_series());
  EXPECT_EQ(r.samples, 6);  // not the sql_service_time sample
  EXPECT_DOUBLE_EQ(*r.observed, 50.0);
  EXPECT_FALSE(r.passed);
}

// ratio(A, B): the aggregation of each side, divided; the same on a machine twice as fast.
TEST(Evaluate, RatioBetweenOptionsDividesTheAggregations) {
  const auto r = eval1("ratio(sql_duration{option:B, query:a}, sql_duration{option:A,query:a})",
                       "max<2", sql_series());
  ASSERT_TRUE(r.observed) << r.detail;
  EXPECT_DOUBLE_EQ(*r.observed, 5.0 / 3.0);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.samples, 2);
  EXPECT_FALSE(eval1("ratio(sql_duration{option:B,query:a}, sql_duration{option:A,query:a})",
                     "max<1.5", sql_series())
                   .passed);
  // Every latency halved (a faster machine): the ratio does not move.
  std::vector<SeriesStats> fast = {
      trend("sql_duration", {{"query", "a"}, {"option", "A"}}, {1500}),
      trend("sql_duration", {{"query", "a"}, {"option", "B"}}, {2500})};
  EXPECT_DOUBLE_EQ(
      *eval1("ratio(sql_duration{option:B}, sql_duration{option:A})", "max<2", fast).observed,
      2500.0 / 1500.0);
  const auto none =
      eval1("ratio(sql_duration{option:C}, sql_duration{option:A})", "p(95)<2", sql_series());
  EXPECT_FALSE(none.passed);
  EXPECT_NE(none.detail.find("numerator"), std::string::npos) << none.detail;
}

TEST(ParseThreshold, RatioNeedsTwoSelectorsOfOneKindAndNoUnit) {
  const auto t = parse("ratio(sql_duration{option:C}, sql_duration{option:A})", "p(95) < 1.5");
  ASSERT_TRUE(t.denominator);
  EXPECT_EQ(t.metric, "sql_duration");
  EXPECT_EQ(t.filter, make_tags({{"option", "C"}}));
  EXPECT_EQ(t.denominator->filter, make_tags({{"option", "A"}}));
  EXPECT_DOUBLE_EQ(t.limit, 1.5);
  EXPECT_THROW(parse("ratio(sql_duration{option:C})", "p(95)<1.5"), InputError);
  EXPECT_THROW(parse("ratio(sql_duration, sql_failed)", "p(95)<1.5"), InputError);
  EXPECT_THROW(parse("ratio(sql_duration{option:C}, sql_duration)", "p(95)<1.5ms"), InputError);
  EXPECT_THROW(parse("ratio(sql_failed{class:timeout}, sql_failed)", "rate<2"), InputError);
  EXPECT_THROW(parse("ratio(sql_duration, sql_duration", "p(95)<2"), InputError);
}

TEST(Evaluate, TrendAggregationsInMilliseconds) {
  // Values below 2048 µs sit in unit-wide buckets, so percentiles are exact.
  const std::vector<SeriesStats> s = {trend("sql_duration", {{"query", "a"}}, {100, 200, 300}),
                                      trend("sql_duration", {{"query", "a"}}, {400, 1500})};
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "min<1", s).observed, 0.1);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "avg<1", s).observed, 0.5);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "med<1", s).observed, 0.3);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "p(50)<1", s).observed, 0.3);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "p(80)<1", s).observed, 0.4);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "p(81)<1", s).observed, 1.5);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "max<1", s).observed, 1.5);
}

TEST(Evaluate, PercentileReportsTheBucketsHighestEquivalentValue) {
  // HdrHistogram rule: 20000 µs lives in [20000, 20015]; max stays exact.
  const std::vector<SeriesStats> s = {trend("sql_duration", {}, {20000})};
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "p(99)<1", s).observed, 20.015);
  EXPECT_DOUBLE_EQ(*eval1("sql_duration", "max<1", s).observed, 20.0);
}

TEST(Evaluate, PercentileMatchesMergedHistogram) {
  std::vector<std::int64_t> xs, ys;
  for (std::int64_t v = 1; v <= 5000; ++v) (v % 3 ? xs : ys).push_back(v * 7);
  const std::vector<SeriesStats> s = {trend("sql_duration", {{"query", "q"}}, xs),
                                      trend("sql_duration", {{"query", "q"}}, ys)};
  Histogram all;
  for (std::int64_t v = 1; v <= 5000; ++v) all.record(v * 7);
  const auto r = eval1("sql_duration", "p(99)<1", s);
  EXPECT_DOUBLE_EQ(*r.observed, static_cast<double>(all.value_at_percentile(99)) / 1000.0);
}

TEST(Evaluate, TrendWithoutSamplesFails) {
  const auto r = eval1("sql_duration{query:zzz}", "p(95)<1000", sql_series());
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(r.observed);
  EXPECT_EQ(r.samples, 0);
  EXPECT_EQ(r.detail, "no samples matched");
  // A filter key no series carries matches nothing either.
  EXPECT_FALSE(eval1("sql_duration{stage:1}", "p(95)<1000", sql_series()).passed);
}

TEST(Evaluate, RateIsHitsOverCountAcrossSeries) {
  const std::vector<SeriesStats> s = {rate("sql_failed", {{"query", "a"}}, 1, 100),
                                      rate("sql_failed", {{"query", "b"}}, 3, 100)};
  const auto r = eval1("sql_failed", "rate<0.03", s);
  EXPECT_DOUBLE_EQ(*r.observed, 0.02);
  EXPECT_EQ(r.samples, 200);
  EXPECT_TRUE(r.passed);
  EXPECT_FALSE(eval1("sql_failed", "rate<0.02", s).passed);
  EXPECT_TRUE(eval1("sql_failed", "rate<=0.02", s).passed);
  EXPECT_DOUBLE_EQ(*eval1("sql_failed{query:b}", "rate<1", s).observed, 0.03);
}

// `{class:X}` counts only that class's failures, over every sample of the matched series; the
// other tags still filter.
TEST(Evaluate, ClassTagCountsOneErrorClassOverEverySample) {
  SeriesStats a = rate("sql_failed", {{"query", "a"}}, 5, 100);
  a.by_class[error_index(ErrorClass::kConnect)] = 4;
  a.by_class[error_index(ErrorClass::kTimeout)] = 1;
  SeriesStats b = rate("sql_failed", {{"query", "b"}}, 2, 100);
  b.by_class[error_index(ErrorClass::kConnect)] = 2;
  const std::vector<SeriesStats> s = {a, b};
  const auto connection = eval1("sql_failed{class:connection}", "rate<0.05", s);
  EXPECT_DOUBLE_EQ(*connection.observed, 0.03);
  EXPECT_EQ(connection.samples, 200);
  EXPECT_TRUE(connection.passed);
  EXPECT_DOUBLE_EQ(*eval1("sql_failed{class:timeout,query:a}", "rate<1", s).observed, 0.01);
  EXPECT_DOUBLE_EQ(*eval1("sql_failed{class:server}", "rate<1", s).observed, 0.0);
  EXPECT_DOUBLE_EQ(*eval1("sql_failed", "rate<1", s).observed, 0.035);
}

TEST(ParseThreshold, ClassTagNeedsAFailedRateAndAKnownClass) {
  EXPECT_EQ(parse("http_req_failed{class:timeout}", "rate<0.01").error_class, ErrorClass::kTimeout);
  EXPECT_TRUE(parse("http_req_failed{class:timeout}", "rate<0.01").filter.empty());
  EXPECT_THROW(parse("sql_duration{class:timeout}", "p(95)<10"), InputError);
  EXPECT_THROW(parse("sql_failed{class:oops}", "rate<0.01"), InputError);
}

TEST(Evaluate, RateWithoutSamplesFails) {
  const auto r = eval1("http_req_failed", "rate<0.01", {rate("http_req_failed", {}, 0, 0)});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail, "no samples matched");
}

TEST(Evaluate, CounterCountSumsAndEmptyCountsAsZero) {
  const std::vector<SeriesStats> s = {counter("dropped_iterations", {{"stage", "1"}}, 4, 10),
                                      counter("dropped_iterations", {{"stage", "2"}}, 6, 10)};
  EXPECT_DOUBLE_EQ(*eval1("dropped_iterations", "count<100", s).observed, 10.0);
  EXPECT_FALSE(eval1("dropped_iterations", "count==0", s).passed);
  const auto none = eval1("dropped_iterations", "count==0", {});
  EXPECT_TRUE(none.passed);
  EXPECT_DOUBLE_EQ(*none.observed, 0.0);
  EXPECT_TRUE(eval1("iterations", "rate<1", {}).passed);
}

TEST(Evaluate, CounterRateDividesByLongestWindow) {
  const std::vector<SeriesStats> s = {counter("iterations", {{"query", "a"}}, 100, 10),
                                      counter("iterations", {{"query", "b"}}, 50, 8)};
  const auto r = eval1("iterations", "rate>=15", s);
  EXPECT_DOUBLE_EQ(*r.observed, 15.0);
  EXPECT_EQ(r.samples, 150);
  EXPECT_TRUE(r.passed);
  EXPECT_FALSE(eval1("iterations", "rate>15", s).passed);
}

TEST(Evaluate, CounterRateWithoutMeasuredTimeFails) {
  const auto r = eval1("iterations", "rate>0", {counter("iterations", {}, 5, 0)});
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(r.observed);
}

struct OpCase {
  const char* expression;
  bool passes;
};

void PrintTo(const OpCase& c, std::ostream* os) { *os << c.expression; }

class OperatorBoundary : public testing::TestWithParam<OpCase> {};

TEST_P(OperatorBoundary, ObservedExactlyAtTheLimit) {
  // One sample of exactly 2 ms (an exact bucket): every aggregation observes 2.0.
  const std::vector<SeriesStats> s = {trend("sql_duration", {}, {2000})};
  EXPECT_EQ(eval1("sql_duration", GetParam().expression, s).passed, GetParam().passes)
      << GetParam().expression;
}

INSTANTIATE_TEST_SUITE_P(Ops, OperatorBoundary,
                         testing::Values(OpCase{"max<2", false}, OpCase{"max<=2", true},
                                         OpCase{"max>2", false}, OpCase{"max>=2", true},
                                         OpCase{"max==2", true}, OpCase{"max!=2", false},
                                         OpCase{"max<2.001", true}, OpCase{"max!=1.9", true},
                                         OpCase{"p(99)<=2000us", true},
                                         OpCase{"p(99)<=0.002s", true},
                                         OpCase{"p(99)<1999us", false}, OpCase{"avg==2", true},
                                         OpCase{"med>=2ms", true}, OpCase{"min>1.999", true}));

TEST(Evaluate, ResultsFollowThresholdOrder) {
  const auto out =
      evaluate({parse("sql_duration", "max<100"), parse("sql_duration", "max<1")}, sql_series());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].threshold.source, "max<100");
  EXPECT_TRUE(out[0].passed);
  EXPECT_EQ(out[1].threshold.source, "max<1");
  EXPECT_FALSE(out[1].passed);
}

}  // namespace
}  // namespace lg::gate
