#pragma once
// What a VU asks a driver to do and what comes back. Drivers never time or record (STYLE rule 7).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lg::driver {

/// Hot-path error classes, counted per series (STYLE rule 8).
enum class ErrorClass : std::uint8_t {
  kNone,
  kConnect,    ///< connection lost or could not be re-established
  kRetryable,  ///< SQLSTATE 40001 / 40P01 (serialization failure, deadlock)
  kCanceled,   ///< 57014: canceled at graceful stop or by statement_timeout
  kServer,     ///< any other server-side error
};

/// Result of one operation.
struct Outcome {
  ErrorClass error = ErrorClass::kNone;
  std::uint32_t rows = 0;
  std::string sqlstate;  ///< empty when ok
};

/// Text parameters $1..$n; nullopt binds NULL.
using Params = std::vector<std::optional<std::string>>;

}  // namespace lg::driver
