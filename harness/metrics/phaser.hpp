#pragma once
// Single-writer writer-reader phaser (the synchronisation HdrHistogram's Recorder uses, Gil Tene's
// WriterReaderPhaser): writers never block or lock; a single reader flips the phase and then
// waits only for writers already inside the old phase's critical section.

#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>

namespace lg::metrics {

class WriterReaderPhaser {
 public:
  /// Enter a writer critical section; pass the returned token to writer_exit. Wait-free.
  std::int64_t writer_enter() noexcept {
    return start_epoch_.fetch_add(1, std::memory_order_acq_rel);
  }
  /// Leave the writer critical section entered with `token`. Wait-free.
  /// Requires a single writer thread per phaser (one per recorder shard): only that writer
  /// increments an end epoch, so a load + release store replaces a locked add (~6 ns saved).
  void writer_exit(std::int64_t token) noexcept {
    auto& end = token < 0 ? odd_end_epoch_ : even_end_epoch_;
    end.store(end.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  /// Reader side (callers serialise readers themselves). After it returns, every writer that
  /// entered before the flip has exited, so data it swapped out beforehand is quiescent.
  void flip_phase() noexcept {
    const bool next_phase_even = start_epoch_.load(std::memory_order_acquire) < 0;
    const std::int64_t initial = next_phase_even ? 0 : kOddStart;
    (next_phase_even ? even_end_epoch_ : odd_end_epoch_).store(initial, std::memory_order_release);
    const std::int64_t start_at_flip = start_epoch_.exchange(initial, std::memory_order_acq_rel);
    auto& old_end = next_phase_even ? odd_end_epoch_ : even_end_epoch_;
    while (old_end.load(std::memory_order_acquire) != start_at_flip) std::this_thread::yield();
  }

 private:
  static constexpr std::int64_t kOddStart = std::numeric_limits<std::int64_t>::min();
  std::atomic<std::int64_t> start_epoch_{0};
  std::atomic<std::int64_t> even_end_epoch_{0};
  std::atomic<std::int64_t> odd_end_epoch_{kOddStart};
};

}  // namespace lg::metrics
