#include "harness/compare/tolerance.hpp"

#include <charconv>
#include <cmath>

#include "harness/compare/metrics.hpp"
#include "harness/core/errors.hpp"

namespace lg::compare {
namespace {

constexpr const char* kField = "--tolerance";
constexpr const char* kSyntax = "expected [OPTION:][NAME.]METRIC=VALUE, e.g. sku_lookup.p99=0.3";

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw InputError(kField, "\"" + std::string(text) + "\": " + why);
}

double parse_number(std::string_view text, std::string_view value) {
  double v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v)) {
    fail(text, "\"" + std::string(value) + "\" is not a number, a percentage or \"off\"");
  }
  return v;
}

std::optional<double> parse_value(std::string_view text, std::string_view value,
                                  const std::string& metric) {
  if (value == "off") return std::nullopt;
  double v = 0;
  if (!value.empty() && value.back() == '%') {
    v = parse_number(text, value.substr(0, value.size() - 1)) / 100.0;
  } else {
    v = parse_number(text, value);
  }
  // A throughput cannot fall by more than all of it; a latency rise has no natural bound, but
  // beyond 100x it is a typo rather than a tolerance.
  const double limit = higher_is_worse(metric) ? 100.0 : 1.0;
  if (v < 0 || v > limit) {
    fail(text, "a " + metric + " tolerance must be between 0 and " +
                   (higher_is_worse(metric) ? std::string("100") : std::string("1 (100%)")));
  }
  return v;
}

// Specificity of a rule: which rule wins when several match.
int rank_of(const ToleranceRule& r) {
  return (r.option.empty() ? 0 : 1) + (r.name.empty() ? 0 : 2);
}

}  // namespace

ToleranceRule parse_tolerance(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) fail(text, kSyntax);
  std::string_view key = text.substr(0, eq);
  ToleranceRule rule;
  rule.source = std::string(text);
  if (const auto colon = key.find(':'); colon != std::string_view::npos) {
    rule.option = std::string(key.substr(0, colon));
    key.remove_prefix(colon + 1);
    if (rule.option.empty()) fail(text, "empty OPTION before ':'; " + std::string(kSyntax));
  }
  if (const auto dot = key.rfind('.'); dot != std::string_view::npos) {
    rule.name = std::string(key.substr(0, dot));
    key.remove_prefix(dot + 1);
    if (rule.name.empty()) fail(text, "empty NAME before '.'; " + std::string(kSyntax));
  }
  rule.metric = std::string(key);
  if (!is_metric(rule.metric)) {
    fail(text,
         "unknown metric \"" + rule.metric + "\"; expected p50, p95, p99, time or throughput");
  }
  rule.fraction = parse_value(text, text.substr(eq + 1), rule.metric);
  return rule;
}

Tolerances Tolerances::parse(const std::vector<std::string>& raw) {
  Tolerances t;
  for (const auto& r : raw) t.overrides_.push_back(parse_tolerance(r));
  return t;
}

std::optional<double> Tolerances::lookup(const std::string& option, const std::string& name,
                                         const std::string& metric) const {
  std::optional<double> out;
  // The median is the steadiest figure of a trial (a few % between trials where p95 moves
  // tens of %), so it carries the tighter tolerance and most of the gate's power.
  if (metric == "p50") out = 0.10;
  if (metric == "p95" || metric == "p99" || metric == "time") out = 0.15;
  if (metric == "throughput") out = 0.10;
  int best = -1;
  for (const auto& r : overrides_) {
    if (r.metric != metric || (!r.option.empty() && r.option != option) ||
        (!r.name.empty() && r.name != name)) {
      continue;
    }
    if (rank_of(r) >= best) {
      best = rank_of(r);
      out = r.fraction;
    }
  }
  return out;
}

}  // namespace lg::compare
