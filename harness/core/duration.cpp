#include "harness/core/duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace lg {
namespace {

std::optional<Nanos> unit_scale(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s") return kNanosPerMicro;
  if (unit == "ms") return kNanosPerMilli;
  if (unit == "s") return kNanosPerSecond;
  if (unit == "m") return 60 * kNanosPerSecond;
  if (unit == "h") return 3600 * kNanosPerSecond;
  return std::nullopt;
}

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  size_t split = 0;
  while (split < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.')) {
    ++split;
  }
  if (split == 0) return std::nullopt;  // also rejects a leading '-'
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + split, value);
  if (ec != std::errc() || end != text.data() + split) return std::nullopt;
  auto scale = unit_scale(text.substr(split));
  if (!scale || !std::isfinite(value)) return std::nullopt;
  return static_cast<Nanos>(std::llround(value * static_cast<double>(*scale)));
}

std::string format_duration(Nanos ns) {
  struct Unit {
    Nanos scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{3600 * kNanosPerSecond, "h"},
                                    {60 * kNanosPerSecond, "m"},
                                    {kNanosPerSecond, "s"},
                                    {kNanosPerMilli, "ms"},
                                    {kNanosPerMicro, "us"}};
  for (const auto& u : kUnits) {
    if (ns != 0 && ns % u.scale == 0) return std::to_string(ns / u.scale) + u.name;
  }
  return std::to_string(ns) + "ns";
}

}  // namespace lg
