#include "harness/scenario/think_time.hpp"

#include <cctype>
#include <utility>

#include "harness/core/duration.hpp"

namespace lg::scenario {
namespace {

constexpr std::string_view kExpected = "expected a duration, uniform(a, b) or exponential(mean)";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::nullopt_t fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

// One duration argument; `what` names it in the error ("uniform: lower bound").
std::optional<Nanos> argument(std::string_view text, const std::string& what, std::string* error) {
  text = trim(text);
  if (!text.empty() && text.front() == '-') return fail(error, what + " must not be negative");
  auto ns = parse_duration(text);
  if (!ns) {
    return fail(error, what + " \"" + std::string(text) + "\" is not a duration like \"500ms\"");
  }
  return ns;
}

// The text between the parentheses of `name(...)`, or nullopt when `text` is not such a call.
std::optional<std::string_view> call_arguments(std::string_view text, std::string_view name) {
  if (text.substr(0, name.size()) != name) return std::nullopt;
  std::string_view rest = trim(text.substr(name.size()));
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
  return rest.substr(1, rest.size() - 2);
}

std::optional<ThinkTime> parse_uniform(std::string_view args, std::string* error) {
  const size_t comma = args.find(',');
  if (comma == std::string_view::npos || args.find(',', comma + 1) != std::string_view::npos) {
    return fail(error, "uniform: expected two bounds, as in uniform(500ms, 1500ms)");
  }
  auto lo = argument(args.substr(0, comma), "uniform: lower bound", error);
  if (!lo) return std::nullopt;
  auto hi = argument(args.substr(comma + 1), "uniform: upper bound", error);
  if (!hi) return std::nullopt;
  if (*lo > *hi) return fail(error, "uniform: lower bound above upper bound");
  if (*hi == 0) return ThinkTime{};
  return ThinkTime{ThinkTime::Kind::kUniform, *lo, *hi};
}

std::optional<ThinkTime> parse_exponential(std::string_view args, std::string* error) {
  if (args.find(',') != std::string_view::npos) {
    return fail(error, "exponential: expected one mean, as in exponential(1s)");
  }
  auto mean = argument(args, "exponential: mean", error);
  if (!mean) return std::nullopt;
  if (*mean <= 0) return fail(error, "exponential: mean must be > 0");
  return ThinkTime{ThinkTime::Kind::kExponential, *mean, 0};
}

std::string duration_text(Nanos ns) { return ns == 0 ? "0s" : format_duration(ns); }

}  // namespace

std::optional<ThinkTime> parse_think_time(std::string_view text, std::string* error) {
  text = trim(text);
  for (std::string_view name : {"uniform", "exponential"}) {
    if (text.substr(0, name.size()) != name) continue;
    auto args = call_arguments(text, name);
    if (!args) {
      return fail(error, std::string(name) + ": expected " +
                             (name == "uniform" ? "uniform(a, b)" : "exponential(mean)"));
    }
    return name == "uniform" ? parse_uniform(*args, error) : parse_exponential(*args, error);
  }
  if (!text.empty() && text.front() == '-') return fail(error, "duration must not be negative");
  auto ns = parse_duration(text);
  if (!ns) return fail(error, std::string(kExpected));
  if (*ns == 0) return ThinkTime{};
  return ThinkTime{ThinkTime::Kind::kConstant, *ns, 0};
}

std::string to_string(const ThinkTime& think) {
  switch (think.kind) {
    case ThinkTime::Kind::kNone:
      return "";
    case ThinkTime::Kind::kConstant:
      return duration_text(think.a);
    case ThinkTime::Kind::kUniform:
      return "uniform(" + duration_text(think.a) + ", " + duration_text(think.b) + ")";
    case ThinkTime::Kind::kExponential:
      return "exponential(" + duration_text(think.a) + ")";
  }
  return "";
}

}  // namespace lg::scenario
