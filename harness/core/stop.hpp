#pragma once
// Stopping a run, as a value passed down (k6's context cancellation): whoever decides that the
// run must end (the end of the stages, a signal, an abort_on_fail threshold, an infrastructure
// failure) requests a stop on the run's StopSource with a reason; everything below holds a
// StopToken and checks it. There is no process-wide flag.
//
// A stop has two strengths. request_stop() is the graceful one: no new iterations, the results
// written, marked incomplete when early. request_immediate() (a second Ctrl-C) also says "now":
// whoever is waiting out a grace period (graceful_stop, a refresh in flight) gives up on it at
// once; the results of what was collected are still written and the cluster still stopped.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace lg {

/// Why a run stopped. The first reason requested wins.
enum class StopReason : int {
  kNone = 0,
  kEndOfStages,  ///< the schedule ended as planned
  kSignal,       ///< SIGINT / SIGTERM
  kAbortOnFail,  ///< a threshold with abort_on_fail was crossed
  kInfraError,   ///< the database or the target failed under the run
};

/// "end of stages", "signal", "abort_on_fail", "infrastructure error" or "" for kNone.
inline const char* stop_reason_name(StopReason r) noexcept {
  switch (r) {
    case StopReason::kEndOfStages:
      return "end of stages";
    case StopReason::kSignal:
      return "signal";
    case StopReason::kAbortOnFail:
      return "abort_on_fail";
    case StopReason::kInfraError:
      return "infrastructure error";
    case StopReason::kNone:
      break;
  }
  return "";
}

namespace detail {
struct StopState {
  std::atomic<int> reason{0};
  std::atomic<bool> immediate{false};
  std::mutex mu;
  std::string detail;
};
}  // namespace detail

/// The checking side: cheap to copy, safe from any thread. A default-constructed token never
/// stops (for callers that cannot be interrupted).
class StopToken {
 public:
  StopToken() = default;
  /// True once a stop was requested (one relaxed atomic load: fine on hot paths).
  bool stop_requested() const noexcept {
    return state_ && state_->reason.load(std::memory_order_acquire) != 0;
  }
  /// The reason of the first request, kNone before.
  StopReason reason() const noexcept {
    return state_ ? static_cast<StopReason>(state_->reason.load(std::memory_order_acquire))
                  : StopReason::kNone;
  }
  /// True once request_immediate() was called: grace periods end now (implies stop_requested).
  bool immediate() const noexcept {
    return state_ && state_->immediate.load(std::memory_order_acquire);
  }

 private:
  friend class StopSource;
  explicit StopToken(std::shared_ptr<detail::StopState> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::StopState> state_;
};

/// The requesting side, owned by whoever runs the work (main for signals, run for the rest).
class StopSource {
 public:
  StopSource() : state_(std::make_shared<detail::StopState>()) {}
  /// Requests a stop. Returns true for the first request (whose reason and detail are kept),
  /// false when a stop was already requested. Safe from any thread, not from a signal handler.
  bool request_stop(StopReason reason, std::string detail = {}) {
    int expected = 0;
    std::lock_guard lock(state_->mu);
    if (!state_->reason.compare_exchange_strong(expected, static_cast<int>(reason))) return false;
    state_->detail = std::move(detail);
    return true;
  }
  /// Requests a stop (as request_stop, so the first reason still wins) and marks it immediate:
  /// waits for work in flight end now. Safe from any thread, not from a signal handler.
  void request_immediate(StopReason reason, std::string detail = {}) {
    request_stop(reason, std::move(detail));
    state_->immediate.store(true, std::memory_order_release);
  }
  StopToken token() const { return StopToken(state_); }
  bool immediate() const noexcept { return token().immediate(); }
  bool stop_requested() const noexcept { return token().stop_requested(); }
  StopReason reason() const noexcept { return token().reason(); }
  /// What the first requester said (e.g. the threshold that was crossed); "" if nothing.
  std::string detail() const {
    std::lock_guard lock(state_->mu);
    return state_->detail;
  }

 private:
  std::shared_ptr<detail::StopState> state_;
};

}  // namespace lg
