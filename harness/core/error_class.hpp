#pragma once
// Why an operation failed (docs/reference.md "Errors"): the small fixed set every failed query,
// request, refresh or check is counted under, per series (as wrk's `errors`,
// pgbench's EStatus, sysbench's db_error_t). Fixed and small so that recording a failure is an
// array increment: no allocation, no lock.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lg {

enum class ErrorClass : std::uint8_t {
  kNone,
  kConnect,    ///< connection lost, refused, or could not be re-established
  kRetryable,  ///< SQLSTATE 40001 / 40P01 (serialization failure, deadlock): a conflict
  kCanceled,   ///< canceled by loadgate (graceful stop's cancel request, the hard stop)
  kServer,     ///< any other server-side error (SQL), or an HTTP 5xx / transport error
  kTimeout,    ///< statement_timeout / lock_timeout (57014, 55P03), or no HTTP response in time
  kCheck,      ///< HTTP: a response that failed a check (unexpected status, "success": false)
};

/// Number of error classes, kNone excluded (the size of per-class count arrays).
inline constexpr std::size_t kErrorClasses = 6;

/// Per-class failure counts, indexed by error_index().
using ErrorCounts = std::array<std::int64_t, kErrorClasses>;

/// Index of a failed class in an ErrorCounts (kConnect is 0). Undefined for kNone.
constexpr std::size_t error_index(ErrorClass c) noexcept { return static_cast<std::size_t>(c) - 1; }

/// The class's name in results and threshold selectors (`sql_failed{class:connection}`):
/// connection, conflict, canceled, server, timeout, check; "" for kNone.
constexpr std::string_view error_class_name(ErrorClass c) noexcept {
  switch (c) {
    case ErrorClass::kConnect:
      return "connection";
    case ErrorClass::kRetryable:
      return "conflict";
    case ErrorClass::kCanceled:
      return "canceled";
    case ErrorClass::kServer:
      return "server";
    case ErrorClass::kTimeout:
      return "timeout";
    case ErrorClass::kCheck:
      return "check";
    case ErrorClass::kNone:
      break;
  }
  return "";
}

/// The class at index i of an ErrorCounts.
constexpr ErrorClass error_class_at(std::size_t i) noexcept {
  return static_cast<ErrorClass>(i + 1);
}

/// The class named `name`, nullopt for an unknown name.
inline std::optional<ErrorClass> error_class_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kErrorClasses; ++i) {
    if (error_class_name(error_class_at(i)) == name) return error_class_at(i);
  }
  return std::nullopt;
}

/// The class of a server error by its SQLSTATE (PostgreSQL Appendix A): 40001/40P01 conflict,
/// 57014 (query_canceled: statement_timeout, unless loadgate itself canceled) and 55P03
/// (lock_not_available: lock_timeout) timeout, class 08 and 57P01..57P03 (the server shut the
/// session down) connection, anything else server. Empty or unknown: server.
constexpr ErrorClass classify_sqlstate(std::string_view sqlstate) noexcept {
  if (sqlstate == "40001" || sqlstate == "40P01") return ErrorClass::kRetryable;
  if (sqlstate == "57014" || sqlstate == "55P03") return ErrorClass::kTimeout;
  if (sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    return ErrorClass::kConnect;
  }
  return ErrorClass::kServer;
}

}  // namespace lg
