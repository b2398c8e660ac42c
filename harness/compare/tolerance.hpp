#pragma once
// Tolerances of the regression gate: how much a metric may move in its bad direction before a
// (significant) change counts as a regression.
//
// Syntax of one `--tolerance` value:   [OPTION:][NAME.]METRIC=VALUE
//   METRIC  p50 | p95 | p99 | time | throughput
//   NAME    a query, request or benchmark name (the text before the LAST '.')
//   OPTION  a schema option (A, B, C), before the first ':'
//   VALUE   a fraction (0.2), a percentage (20%), or "off" (never gate)
// Examples: p95=0.2, throughput=5%, sku_lookup.p99=0.3, C:sku_lookup.p99=off.
// The most specific rule wins (OPTION:NAME. > NAME. > OPTION: > plain METRIC > default); among
// equally specific rules the later one wins.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::compare {

/// One tolerance: for latency metrics the allowed rise, for throughput the allowed fall, as a
/// fraction of the baseline value (0.15 = 15%). nullopt fraction: the metric is not gated.
struct ToleranceRule {
  std::string option;  ///< empty: every option
  std::string name;    ///< empty: every query / request / benchmark
  std::string metric;
  std::optional<double> fraction;
  std::string source;  ///< the text as given, for messages ("default" for built-ins)
};

/// Parses one --tolerance value (syntax above). Latency fractions must be in [0, 100],
/// throughput fractions in [0, 1]. Throws InputError with field "--tolerance" naming the value.
ToleranceRule parse_tolerance(std::string_view text);

/// Default tolerances plus the user's overrides.
class Tolerances {
 public:
  /// Defaults: p50 may rise 10%, p95 and p99 15%, time (benchmark real time) 15%; throughput
  /// may fall 10%. `raw` are --tolerance values in order. Throws like parse_tolerance.
  static Tolerances parse(const std::vector<std::string>& raw);

  /// Allowed change of `metric` of `name` under `option`; nullopt when not gated.
  std::optional<double> lookup(const std::string& option, const std::string& name,
                               const std::string& metric) const;

  /// The user's rules, in the order given.
  const std::vector<ToleranceRule>& overrides() const { return overrides_; }

 private:
  std::vector<ToleranceRule> overrides_;
};

}  // namespace lg::compare
