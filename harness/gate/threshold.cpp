#include "harness/gate/threshold.hpp"

#include <charconv>
#include <cmath>
#include <utility>

namespace lg::gate {
namespace {

using metrics::MetricKind;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Letters of a unit suffix; bytes >= 0x80 admit the UTF-8 "µ" of "µs".
bool is_unit_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Reads one token kind at a time from a threshold's text and throws InputError naming the
// token where reading stopped, so users see exactly which part of the expression is wrong.
class Cursor {
 public:
  Cursor(std::string_view text, std::string what, const std::string& field, const SourceLoc& at)
      : text_(text), what_(std::move(what)), field_(field), at_(at) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(at_, field_, what_ + " " + quoted(text_) + ": " + message);
  }
  // The run of non-blank characters at the cursor: what error messages quote.
  std::string_view token() const {
    std::size_t end = pos_;
    while (end < text_.size() && !is_space(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }
  [[noreturn]] void fail_unexpected(const char* expected) const {
    if (at_end()) fail(std::string("missing ") + expected);
    fail("unexpected token " + quoted(token()) + ", expected " + expected);
  }
  void skip_ws() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  std::size_t pos() const { return pos_; }
  std::string_view text() const { return text_; }
  bool eat(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  std::string_view take_while(bool (*pred)(char)) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && pred(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // Decimal number: [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?.
  std::optional<double> number(std::string_view* written) {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    const std::size_t int_digits = take_while(is_digit).size();
    std::size_t frac_digits = 0;
    if (eat(".")) frac_digits = take_while(is_digit).size();
    if (int_digits + frac_digits == 0) {
      pos_ = start;
      return std::nullopt;
    }
    take_exponent();
    *written = text_.substr(start, pos_ - start);
    std::string_view digits = *written;
    if (digits.front() == '+') digits.remove_prefix(1);  // from_chars rejects a leading '+'
    double v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || p != digits.data() + digits.size() || !std::isfinite(v)) {
      pos_ = start;
      return std::nullopt;
    }
    return v;
  }

 private:
  void take_exponent() {
    const std::size_t save = pos_;
    if (!eat("e") && !eat("E")) return;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (take_while(is_digit).empty()) pos_ = save;  // "5e" is 5 followed by junk
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string what_;
  const std::string& field_;
  const SourceLoc& at_;
};

bool is_trend_agg(Aggregation a) {
  return a == Aggregation::kPercentile || a == Aggregation::kAvg || a == Aggregation::kMin ||
         a == Aggregation::kMax || a == Aggregation::kMed;
}

std::string_view kind_name(MetricKind k) {
  switch (k) {
    case MetricKind::kTrend:
      return "trend";
    case MetricKind::kRate:
      return "rate";
    case MetricKind::kCounter:
      return "counter";
  }
  return "?";
}

std::optional<Aggregation> aggregation_named(std::string_view name) {
  if (name == "p") return Aggregation::kPercentile;
  if (name == "avg") return Aggregation::kAvg;
  if (name == "min") return Aggregation::kMin;
  if (name == "max") return Aggregation::kMax;
  if (name == "med") return Aggregation::kMed;
  if (name == "rate") return Aggregation::kRate;
  if (name == "count") return Aggregation::kCount;
  return std::nullopt;
}

// --- selector: metric{key:value,...} ---

std::string_view strip_quotes(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

void parse_tag(std::string_view part, Tags& tags, const Cursor& c) {
  part = trim(part);
  if (part.empty()) c.fail("empty tag in braces");
  const std::size_t colon = part.find(':');
  if (colon == std::string_view::npos) c.fail("tag " + quoted(part) + " has no \":\"");
  const std::string_view key = trim(part.substr(0, colon));
  const std::string_view value = strip_quotes(trim(part.substr(colon + 1)));
  if (key.empty()) c.fail("tag " + quoted(part) + " has an empty key");
  if (value.empty()) c.fail("tag " + quoted(part) + " has an empty value");
  for (const auto& kv : tags) {
    if (kv.first == key) c.fail("duplicate tag key " + quoted(key));
  }
  tags.emplace_back(std::string(key), std::string(value));
}

Tags parse_tag_list(std::string_view body, const Cursor& c) {
  if (trim(body).empty()) c.fail("empty tag filter \"{}\"");
  Tags tags;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = body.find(',', start);
    parse_tag(body.substr(start, comma - start), tags, c);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return make_tags(std::move(tags));
}

void parse_selector(std::string_view selector, Threshold& t, const SourceLoc& at) {
  Cursor c(selector, "threshold selector", t.selector, at);
  c.skip_ws();
  const std::string_view name = c.take_while(is_ident);
  if (name.empty()) c.fail_unexpected("a metric name");
  c.skip_ws();
  if (!c.at_end()) {
    if (!c.eat("{")) c.fail_unexpected("\"{\"");
    const std::size_t open = selector.find('{');
    const std::size_t close = selector.find('}', open);
    if (close == std::string_view::npos) c.fail("missing \"}\"");
    if (!trim(selector.substr(close + 1)).empty()) {
      c.fail("unexpected token " + quoted(trim(selector.substr(close + 1))) + " after \"}\"");
    }
    t.filter = parse_tag_list(selector.substr(open + 1, close - open - 1), c);
  }
  const auto kind = metrics::builtin_metric_kind(name);
  if (!kind) c.fail("unknown metric " + quoted(name));
  t.metric = std::string(name);
  t.kind = *kind;
  // `class` selects failures by error class: a pseudo-tag of the *_failed rates, whose hits
  // carry their classes; every other tag filters series.
  for (auto it = t.filter.begin(); it != t.filter.end(); ++it) {
    if (it->first != "class") continue;
    if (name != "sql_failed" && name != "http_req_failed" && name != "mv_refresh_failed") {
      c.fail(
          "the class tag selects failures: use it on sql_failed, http_req_failed or "
          "mv_refresh_failed, not " +
          quoted(name));
    }
    t.error_class = error_class_named(it->second);
    if (!t.error_class) {
      c.fail("unknown error class " + quoted(it->second) +
             "; known: connection, conflict, canceled, server, timeout, check");
    }
    t.filter.erase(it);
    break;
  }
}

// `ratio(A, B)` into A (t) and its denominator B; any other selector as parse_selector does.
void parse_ratio_or_selector(std::string_view selector, Threshold& t, const SourceLoc& at) {
  const std::string_view prefix = "ratio(";
  if (selector.substr(0, prefix.size()) != prefix) {
    parse_selector(selector, t, at);
    return;
  }
  Cursor c(selector, "threshold selector", t.selector, at);
  if (selector.back() != ')') c.fail("missing \")\" closing ratio(");
  const std::string_view inner =
      selector.substr(prefix.size(), selector.size() - prefix.size() - 1);
  // The comma between the two selectors is the one outside braces.
  int depth = 0;
  std::size_t comma = std::string_view::npos;
  for (std::size_t i = 0; i < inner.size() && comma == std::string_view::npos; ++i) {
    depth += inner[i] == '{' ? 1 : inner[i] == '}' ? -1 : 0;
    if (inner[i] == ',' && depth == 0) comma = i;
  }
  if (comma == std::string_view::npos) c.fail("ratio( needs two selectors: ratio(A, B)");
  parse_selector(trim(inner.substr(0, comma)), t, at);
  Threshold d;
  d.selector = t.selector;
  parse_selector(trim(inner.substr(comma + 1)), d, at);
  if (t.error_class || d.error_class) c.fail("a ratio cannot select an error class");
  if (t.kind != d.kind) {
    c.fail("a ratio needs two metrics of one kind: " + quoted(t.metric) + " is a " +
           std::string(kind_name(t.kind)) + ", " + quoted(d.metric) + " a " +
           std::string(kind_name(d.kind)));
  }
  t.denominator = RatioDenominator{d.metric, d.filter, d.kind};
}

// --- expression: agg op value[unit] ---

void parse_percentile(Cursor& c, Threshold& t) {
  c.skip_ws();
  if (!c.eat("(")) c.fail_unexpected("\"(\" after \"p\"");
  c.skip_ws();
  std::string_view written;
  const auto n = c.number(&written);
  if (!n) c.fail_unexpected("a percentile");
  if (!(*n > 0 && *n <= 100)) c.fail("percentile " + quoted(written) + " is outside (0, 100]");
  t.percentile = *n;
  c.skip_ws();
  if (!c.eat(")")) c.fail_unexpected("\")\"");
}

// Sets t.agg (and t.percentile); returns the aggregation as written, e.g. "p(99.9)".
std::string_view parse_aggregation(Cursor& c, Threshold& t) {
  c.skip_ws();
  if (c.at_end()) c.fail("empty expression");
  const std::size_t start = c.pos();
  const std::string_view name = c.take_while(is_ident);
  if (name.empty()) c.fail_unexpected("an aggregation (p(N), avg, min, max, med, rate, count)");
  const auto agg = aggregation_named(name);
  if (!agg) c.fail("unknown aggregation " + quoted(name));
  t.agg = *agg;
  if (*agg == Aggregation::kPercentile) parse_percentile(c, t);
  return c.text().substr(start, c.pos() - start);
}

Op parse_op(Cursor& c) {
  c.skip_ws();
  // Longest match first; "===" is k6's strict equality, the same as "==" for numbers.
  if (c.eat("===") || c.eat("==")) return Op::kEqual;
  if (c.eat("!=")) return Op::kNotEqual;
  if (c.eat("<=")) return Op::kLessEq;
  if (c.eat(">=")) return Op::kGreaterEq;
  if (c.eat("<")) return Op::kLess;
  if (c.eat(">")) return Op::kGreater;
  c.fail_unexpected("a comparison operator (<, <=, >, >=, ==, !=)");
}

// A trend limit written with `unit`, in milliseconds; nullopt for an unknown unit. Divides
// rather than multiplying by 0.001 so "2000us" is exactly 2 ms.
std::optional<double> to_ms(double v, std::string_view unit) {
  if (unit.empty() || unit == "ms") return v;
  if (unit == "us" || unit == "\xC2\xB5s") return v / 1e3;
  if (unit == "s") return v * 1e3;
  if (unit == "m") return v * 60e3;
  return std::nullopt;
}

void parse_limit(Cursor& c, Threshold& t) {
  c.skip_ws();
  std::string_view written;
  const auto v = c.number(&written);
  if (!v) c.fail_unexpected("a number");
  const std::string_view unit = c.take_while(is_unit_char);
  if (!unit.empty() && !is_trend_agg(t.agg)) {
    c.fail("unit " + quoted(unit) + " is only allowed on trend aggregations");
  }
  if (!unit.empty() && t.denominator) c.fail("a ratio is a plain number: no unit " + quoted(unit));
  const auto ms = to_ms(*v, unit);
  if (!ms) c.fail("unknown unit " + quoted(unit) + " (use us, ms, s or m)");
  t.limit = *ms;
  c.skip_ws();
  if (!c.at_end()) c.fail("unexpected token " + quoted(c.token()));
}

void check_kind(const Cursor& c, const Threshold& t, std::string_view agg_text) {
  const bool ok = is_trend_agg(t.agg)           ? t.kind == MetricKind::kTrend
                  : t.agg == Aggregation::kRate ? t.kind != MetricKind::kTrend
                                                : t.kind == MetricKind::kCounter;
  if (ok) return;
  c.fail("aggregation " + quoted(agg_text) + " does not apply to " +
         std::string(kind_name(t.kind)) + " metric " + quoted(t.metric));
}

}  // namespace

Threshold parse_threshold(std::string_view selector, std::string_view expression,
                          const SourceLoc& at) {
  Threshold t;
  t.selector = std::string(trim(selector));
  t.source = std::string(trim(expression));
  t.at = at;
  parse_ratio_or_selector(t.selector, t, at);
  Cursor c(t.source, "threshold", t.selector, at);
  check_kind(c, t, parse_aggregation(c, t));
  t.op = parse_op(c);
  parse_limit(c, t);
  return t;
}

std::string_view op_text(Op op) {
  switch (op) {
    case Op::kLess:
      return "<";
    case Op::kLessEq:
      return "<=";
    case Op::kGreater:
      return ">";
    case Op::kGreaterEq:
      return ">=";
    case Op::kEqual:
      return "==";
    case Op::kNotEqual:
      return "!=";
  }
  return "?";
}

// ------------------------------------------------------------------------------------------------
// Evaluation

namespace {

bool compare(double observed, Op op, double limit) {
  switch (op) {
    case Op::kLess:
      return observed < limit;
    case Op::kLessEq:
      return observed <= limit;
    case Op::kGreater:
      return observed > limit;
    case Op::kGreaterEq:
      return observed >= limit;
    case Op::kEqual:
      return observed == limit;
    case Op::kNotEqual:
      return observed != limit;
  }
  return false;
}

bool matches(const metrics::SeriesStats& s, const Threshold& t) {
  return s.metric == t.metric && s.kind == t.kind && tags_match(s.tags, t.filter);
}

constexpr double kUsPerMs = 1e3;

double trend_value_ms(const metrics::Histogram& h, const Threshold& t) {
  switch (t.agg) {
    case Aggregation::kPercentile:
      return static_cast<double>(h.value_at_percentile(t.percentile)) / kUsPerMs;
    case Aggregation::kMed:
      return static_cast<double>(h.value_at_percentile(50)) / kUsPerMs;
    case Aggregation::kAvg:
      return h.mean() / kUsPerMs;
    case Aggregation::kMin:
      return static_cast<double>(h.min()) / kUsPerMs;
    case Aggregation::kMax:
      return static_cast<double>(h.max()) / kUsPerMs;
    default:
      return 0;  // parse_threshold rejects other aggregations on trends
  }
}

void eval_trend(ThresholdResult& r, const std::vector<metrics::SeriesStats>& series) {
  std::optional<metrics::Histogram> merged;
  for (const auto& s : series) {
    if (!matches(s, r.threshold) || !s.hist) continue;
    if (merged) {
      merged->add(*s.hist);
    } else {
      merged.emplace(*s.hist);
    }
  }
  if (!merged || merged->count() == 0) {
    r.detail = "no samples matched";
    return;
  }
  r.samples = merged->count();
  r.observed = trend_value_ms(*merged, r.threshold);
}

void eval_rate(ThresholdResult& r, const std::vector<metrics::SeriesStats>& series) {
  std::int64_t hits = 0;
  for (const auto& s : series) {
    if (!matches(s, r.threshold)) continue;
    hits += r.threshold.error_class ? s.by_class[error_index(*r.threshold.error_class)] : s.hits;
    r.samples += s.count;
  }
  if (r.samples == 0) {
    r.detail = "no samples matched";
    return;
  }
  r.observed = static_cast<double>(hits) / static_cast<double>(r.samples);
}

// Counter rate divides by the longest window among matching series, not their sum: series that
// differ only by tags cover the same wall-clock time, so summing would shrink the rate.
void eval_counter(ThresholdResult& r, const std::vector<metrics::SeriesStats>& series) {
  double seconds = 0;
  for (const auto& s : series) {
    if (!matches(s, r.threshold)) continue;
    r.samples += s.count;
    seconds = std::max(seconds, s.seconds);
  }
  if (r.threshold.agg == Aggregation::kCount) {
    r.observed = static_cast<double>(r.samples);
  } else if (r.samples == 0) {
    r.observed = 0.0;
  } else if (seconds > 0) {
    r.observed = static_cast<double>(r.samples) / seconds;
  } else {
    r.detail = "no measured time to compute a rate";
  }
}

ThresholdResult evaluate_side(const Threshold& t, const std::vector<metrics::SeriesStats>& series);

// agg(A) / agg(B): each side evaluated as a threshold of its own.
ThresholdResult evaluate_ratio(const Threshold& t,
                               const std::vector<metrics::SeriesStats>& series) {
  Threshold num = t;
  num.denominator.reset();
  Threshold den = num;
  den.metric = t.denominator->metric;
  den.filter = t.denominator->filter;
  den.kind = t.denominator->kind;
  const ThresholdResult a = evaluate_side(num, series);
  const ThresholdResult b = evaluate_side(den, series);
  ThresholdResult r;
  r.threshold = t;
  r.samples = a.samples;
  if (!a.observed || !b.observed) {
    r.detail = (!a.observed ? "numerator: " + a.detail : "denominator: " + b.detail);
  } else if (*b.observed == 0) {
    r.detail = "the denominator is 0";
  } else {
    r.observed = *a.observed / *b.observed;
  }
  r.passed = r.observed.has_value() && compare(*r.observed, t.op, t.limit);
  return r;
}

ThresholdResult evaluate_one(const Threshold& t, const std::vector<metrics::SeriesStats>& series) {
  return t.denominator ? evaluate_ratio(t, series) : evaluate_side(t, series);
}

ThresholdResult evaluate_side(const Threshold& t, const std::vector<metrics::SeriesStats>& series) {
  ThresholdResult r;
  r.threshold = t;
  switch (t.kind) {
    case MetricKind::kTrend:
      eval_trend(r, series);
      break;
    case MetricKind::kRate:
      eval_rate(r, series);
      break;
    case MetricKind::kCounter:
      eval_counter(r, series);
      break;
  }
  r.passed = r.observed.has_value() && compare(*r.observed, t.op, t.limit);
  return r;
}

}  // namespace

std::vector<ThresholdResult> evaluate(const std::vector<Threshold>& thresholds,
                                      const std::vector<metrics::SeriesStats>& series) {
  std::vector<ThresholdResult> out;
  out.reserve(thresholds.size());
  for (const auto& t : thresholds) out.push_back(evaluate_one(t, series));
  return out;
}

}  // namespace lg::gate
