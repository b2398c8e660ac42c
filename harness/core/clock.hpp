#pragma once
// Monotonic time in nanoseconds; the only clock the measurement path uses.

#include <chrono>
#include <cstdint>
#include <thread>

namespace lg {

/// Nanoseconds, monotonic (steady_clock) unless a name says otherwise.
using Nanos = std::int64_t;

constexpr Nanos kNanosPerMicro = 1'000;
constexpr Nanos kNanosPerMilli = 1'000'000;
constexpr Nanos kNanosPerSecond = 1'000'000'000;

/// steady_clock now, in ns since an arbitrary epoch.
inline Nanos mono_now() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Sleeps until mono_now() >= deadline (ns, steady clock).
inline void sleep_until_mono(Nanos deadline) {
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::nanoseconds(deadline))));
}

}  // namespace lg
