#pragma once
// Durations as users write them in scenarios and flags: "250us", "500ms", "30s", "2m", "1h".

#include <optional>
#include <string>
#include <string_view>

#include "harness/core/clock.hpp"

namespace lg {

/// Parses "<number><unit>" with unit in {ns, us, µs, ms, s, m, h}; fractions allowed ("1.5s").
/// Returns nullopt for a missing/unknown unit, junk, or a negative value.
std::optional<Nanos> parse_duration(std::string_view text);

/// Shortest exact rendering of a duration, e.g. 30000000000 -> "30s", 1500000 -> "1500us".
std::string format_duration(Nanos ns);

}  // namespace lg
