#pragma once
// Capped exponential backoff with jitter, for every reconnect loadgate makes (VUs, writers, the
// refresher, the staleness probe, the admin connection): a database that is down sees a few
// attempts per second from each client, not thousands, and clients that lost their
// connections together do not come back in lockstep ("Exponential Backoff And Jitter", AWS
// Architecture Blog, 2015: the "equal jitter" variant, so a wait is never near zero).

#include <algorithm>

#include "harness/core/clock.hpp"
#include "harness/core/rng.hpp"

namespace lg {

/// Waits of base, 2·base, 4·base … capped at `cap`, each drawn uniformly from [w/2, w].
class Backoff {
 public:
  /// First wait ~`base` ns, never more than `cap` ns (base > 0, cap >= base).
  Backoff(Nanos base, Nanos cap, Rng rng) : base_(base), cap_(cap), rng_(rng) {}
  /// The next wait, ns; each call doubles the ceiling until the cap.
  Nanos next() noexcept {
    const Nanos ceiling = std::min(cap_, base_ << std::min(failures_, 30));
    ++failures_;
    return rng_.uniform(ceiling / 2, ceiling);
  }
  /// After a success: the next failure waits ~base again.
  void reset() noexcept { failures_ = 0; }
  /// Consecutive failures since the last reset().
  int failures() const noexcept { return failures_; }

 private:
  Nanos base_;
  Nanos cap_;
  Rng rng_;
  int failures_ = 0;
};

/// Reconnect backoff for every connection of a run: 50 ms doubling to 2 s.
inline constexpr Nanos kReconnectBase = 50 * kNanosPerMilli;
inline constexpr Nanos kReconnectCap = 2 * kNanosPerSecond;

}  // namespace lg
