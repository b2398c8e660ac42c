#pragma once
// Error types that cross module edges. Only main() turns them into exit codes.

#include <stdexcept>
#include <string>

namespace lg {

/// Process exit codes (docs/architecture.md "Exit codes"; 99 follows k6's threshold code).
enum class ExitCode : int {
  kOk = 0,
  kInput = 2,          ///< usage, scenario file, threshold expression, refused database
  kInfra = 3,          ///< database or target unreachable, embedded cluster failed
  kRegression = 4,     ///< compare --baseline found a regression
  kThresholds = 99,    ///< ran, a threshold was crossed
  kInterrupted = 130,  ///< SIGINT/SIGTERM; results written, marked incomplete
};

/// Where a piece of user input came from. line/column are 1-based; 0 means unknown.
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Bad user input (exit 2). what() is one line: "file:line:col: field: message".
class InputError : public std::runtime_error {
 public:
  InputError(SourceLoc at, std::string field, const std::string& message);
  /// Input error that has no file (command-line flags): "field: message".
  InputError(std::string field, const std::string& message);
  const SourceLoc& at() const noexcept { return at_; }
  const std::string& field() const noexcept { return field_; }

 private:
  SourceLoc at_;
  std::string field_;
};

/// Infrastructure failure (exit 3): database unreachable, cluster failed to start, I/O.
class InfraError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The user interrupted (SIGINT/SIGTERM) work that cannot be cut short cleanly, such as a
/// dataset load (exit 130).
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace lg
