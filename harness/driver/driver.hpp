#pragma once
// What a VU asks a driver to do and what comes back. Drivers never time or record (STYLE rule 7).

#include <cstddef>
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
  kServer,     ///< any other server-side error (SQL), or an HTTP 5xx / transport error
  kTimeout,    ///< HTTP: no complete response within the request timeout
  kCheck,      ///< HTTP: a response that failed a check (unexpected status, "success": false)
};

/// Where an HTTP response says its data came from (the `X-Read-Source` header of catalog-api;
/// kNone for SQL and for servers that do not send it). kFallback: the view failed and the
/// document table answered instead.
enum class ReadSource : std::uint8_t { kNone, kMv, kCustomPosts, kProducts, kFallback };
inline constexpr std::size_t kReadSources = 5;

/// The tag value of a read source ("" for kNone).
const char* read_source_name(ReadSource s) noexcept;

/// Result of one operation.
struct Outcome {
  ErrorClass error = ErrorClass::kNone;
  std::uint32_t rows = 0;
  std::string sqlstate;      ///< SQL: empty when ok
  std::uint16_t status = 0;  ///< HTTP status; 0 when there was no response (or SQL)
  ReadSource source = ReadSource::kNone;
};

/// Text parameters $1..$n; nullopt binds NULL.
using Params = std::vector<std::optional<std::string>>;

/// One VU's connection to the system under test (STYLE rule 7): executes operation `id` (an index
/// into the statements or request templates it was built with) and reports what happened.
/// Drivers never time or record; implementations are chosen at construction (libpq or HTTP).
class Driver {
 public:
  virtual ~Driver() = default;
  /// Runs operation `id` with `params`. Never throws: failures come back as an ErrorClass.
  virtual Outcome execute(std::size_t id, const Params& params) noexcept = 0;
  /// Interrupts whatever execute() is doing (graceful stop). Safe from another thread.
  virtual void cancel() noexcept = 0;
  /// Times the connection had to be re-established after the first one.
  virtual std::int64_t reconnects() const noexcept = 0;
};

}  // namespace lg::driver
