#pragma once
// State shared between the executor, its VUs and the background activities during one measured
// run. Everything here is an atomic written by one side and read by the others.

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "harness/core/clock.hpp"

namespace lg::exec {

/// Refresh-in-flight tracking without locks: the refresher bumps `seq` when a refresh starts and
/// again when it ends, so an odd value means "in flight" and a change means "overlapped one".
struct RefreshTracker {
  std::atomic<std::uint64_t> seq{0};
  void begin() noexcept { seq.fetch_add(1, std::memory_order_acq_rel); }
  void end() noexcept { seq.fetch_add(1, std::memory_order_acq_rel); }
  std::uint64_t read() const noexcept { return seq.load(std::memory_order_acquire); }
  bool in_flight() const noexcept { return (read() & 1) != 0; }
  /// True when a sample that saw `before` at its start and `after` at its end overlapped a refresh.
  static bool overlapped(std::uint64_t before, std::uint64_t after) noexcept {
    return (before & 1) != 0 || before != after;
  }

  /// Start (mono ns) of the last refresh that completed: the moment the view's contents are
  /// from. Set to the measured start when the run begins (the view is then fresh: nothing has
  /// written since it was built) and by the refresher after each successful refresh.
  std::atomic<Nanos> snapshot_at{0};
  /// True when reads are never stale (the trigger strategy's read table).
  std::atomic<bool> always_current{false};
  /// Age of the view a read starting at `now` sees, ns: now - snapshot_at, or 0.
  Nanos view_age(Nanos now) const noexcept {
    if (always_current.load(std::memory_order_relaxed)) return 0;
    return std::max<Nanos>(0, now - snapshot_at.load(std::memory_order_acquire));
  }
};

}  // namespace lg::exec
