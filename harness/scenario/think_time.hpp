#pragma once
// Think time as users write it after a journey step: "1s", "uniform(500ms, 1500ms)" or
// "exponential(1s)" (docs/reference.md "Scenario format"). Text in, ThinkTime out; no clocks, no
// RNG.

#include <optional>
#include <string>
#include <string_view>

#include "harness/scenario/model.hpp"

namespace lg::scenario {

/// Parses a think time. Accepted forms, with blanks allowed around the name, parentheses and
/// arguments; every <d> is a duration as parse_duration reads it ("500ms", "1.5s", "0s"):
///   "<d>"                  a constant pause of <d>           (Kind::kConstant, a = d)
///   "uniform(<a>, <b>)"    uniformly drawn from [a, b], a <= b (Kind::kUniform, a, b)
///   "exponential(<mean>)"  exponentially distributed, mean > 0 (Kind::kExponential, a = mean)
/// A pause that is always zero ("0s", "uniform(0s, 0s)") is Kind::kNone. Values are in ns.
/// On failure returns nullopt and, when `error` is not null, sets it to one short line without
/// the input text, e.g. "expected a duration, uniform(a, b) or exponential(mean)" or
/// "uniform: lower bound above upper bound".
std::optional<ThinkTime> parse_think_time(std::string_view text, std::string* error);

/// The canonical text of a think time, which parse_think_time reads back to the same value:
/// "" for Kind::kNone, else e.g. "1s", "uniform(500ms, 1500ms)", "exponential(1s)" (durations
/// as format_duration writes them, zero as "0s").
std::string to_string(const ThinkTime& think);

}  // namespace lg::scenario
