#pragma once
// What a VU asks a driver to do and what comes back. Drivers never time or record: the VU does,
// so every driver is measured the same way.
// Every driver runs on one event loop (a Boost.Asio io_context owned by one thread): its
// operations are coroutines that suspend while the target works, so one thread drives many
// VUs, as pgbench's -j threads and wrk's event loops do (docs/engine.md).

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/error_class.hpp"

namespace lg::driver {

namespace asio = boost::asio;

/// Hot-path error classes, counted per series; see harness/core/error_class.hpp.
using lg::ErrorClass;

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
  bool lost = false;         ///< the connection was found lost by this operation
  bool reconnected = false;  ///< this operation had to re-establish the connection first
};

/// Text parameters $1..$n; nullopt binds NULL.
using Params = std::vector<std::optional<std::string>>;

/// One VU's connection to the system under test: executes operation `id` (an index
/// into the statements or request templates it was built with) and reports what happened.
/// Drivers never time or record; implementations are chosen at construction (libpq or HTTP).
///
/// Threading: a driver belongs to the event loop it was built with. open(), execute() and
/// abandon() run on that loop's thread only, one operation at a time; cancel() and
/// reconnects() may be called from any thread. A driver must be destroyed while its loop's
/// io_context still exists, and not while one of its coroutines is running.
class Driver {
 public:
  virtual ~Driver() = default;
  /// Connects (SQL: and prepares every statement). Throws InfraError when the target cannot be
  /// reached and db::DbError when a statement fails to prepare.
  virtual asio::awaitable<void> open() = 0;
  /// Runs operation `id` with `params`. Never throws: failures come back as an ErrorClass; a
  /// lost connection is reported once and re-established on the next call.
  virtual asio::awaitable<Outcome> execute(std::size_t id, const Params& params) = 0;
  /// Ends the operation in flight at once, without waiting for the target: execute() (or
  /// open()) returns kCanceled (throws InfraError for open()) and the connection is closed, to be
  /// reopened by the next call. For the hard stop at the end of graceful_stop.
  virtual void abandon() noexcept = 0;
  /// Asks the target to stop the operation in flight (SQL: a cancel request, which blocks for
  /// one round trip to the server; HTTP: the socket is shut down on the driver's loop).
  /// execute() then returns kCanceled and the connection stays usable where the protocol
  /// allows. Safe from any thread.
  virtual void cancel() noexcept = 0;
  /// Times the connection had to be re-established after the first one.
  virtual std::int64_t reconnects() const noexcept = 0;
  /// The body of the last HTTP response (empty for SQL), valid until the next execute().
  virtual std::string_view body() const noexcept { return {}; }
};

}  // namespace lg::driver
