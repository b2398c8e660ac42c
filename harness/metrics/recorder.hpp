#pragma once
// Per-worker recording with interval snapshots. Each VU or background activity
// owns one RecorderShard; the collector calls Recorder::collect() to swap every shard's buffers
// and merge what was recorded since the last call. Recording never locks or allocates.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/core/error_class.hpp"
#include "harness/core/tags.hpp"
#include "harness/metrics/histogram.hpp"
#include "harness/metrics/phaser.hpp"
#include "harness/metrics/series_stats.hpp"

namespace lg::metrics {

/// Index of a slot (a metric series within one recorder), fixed at setup.
using SlotId = std::uint32_t;

/// What a slot records: a metric name, its kind and the tags fixed at setup. Context tags that
/// change during the run (option, stage) are added by whoever consumes the snapshots.
struct SlotSpec {
  std::string metric;
  MetricKind kind = MetricKind::kTrend;
  Tags tags;
};

/// Data recorded into one slot during one interval. A trend's failed samples are counted (in
/// `count`, `errors` and their class) but never enter `hist`: the histogram is the latency of
/// the operations that succeeded (k6 keeps failures apart with expected_response).
struct SlotData {
  Histogram hist;           ///< trend values of successful samples, µs
  std::int64_t count = 0;   ///< samples, failed ones included (trend), or sum (counter)
  std::int64_t errors = 0;  ///< samples that failed (rate slots: the hits)
  ErrorCounts by_class{};   ///< trend: `errors` split by class
  std::int64_t out_of_range =
      0;  ///< trend values the histogram could not hold (counted, not clamped)
  void reset() noexcept;
  void add(const SlotData& other);
};

/// The recording side of one worker. Only its owner thread may call record/count.
class RecorderShard {
 public:
  explicit RecorderShard(std::size_t slots);
  RecorderShard(const RecorderShard&) = delete;
  RecorderShard& operator=(const RecorderShard&) = delete;

  /// Records a trend sample of `value_us` microseconds. A failed sample (`error` not kNone) is
  /// counted under its class and kept out of the histogram.
  void record(SlotId slot, std::int64_t value_us, ErrorClass error = ErrorClass::kNone) noexcept;
  /// Adds n to a counter slot (or an error-free sample count without a value).
  void count(SlotId slot, std::int64_t n = 1) noexcept;
  /// Adds one sample to a rate slot; `hit` samples are the rate's numerator (kept in
  /// SlotData::errors, which a rate slot uses as its hits: a passed check, a failed request).
  void rate(SlotId slot, bool hit) noexcept;

 private:
  friend class Recorder;
  /// Collector side: swaps buffers, waits for in-flight writes, adds the old buffer into `into`.
  void drain_into(std::vector<SlotData>& into);

  std::vector<SlotData> buffers_[2];
  std::atomic<int> active_{0};
  WriterReaderPhaser phaser_;
};

/// Owns the slot layout and every shard; one collector thread calls collect().
class Recorder {
 public:
  Recorder(std::vector<SlotSpec> slots, std::size_t shards);
  const std::vector<SlotSpec>& slots() const noexcept { return slots_; }
  std::size_t shard_count() const noexcept { return shards_.size(); }
  /// The shard of worker i (i < shard_count()); valid for the Recorder's lifetime.
  RecorderShard& shard(std::size_t i) { return *shards_[i]; }
  /// Everything recorded by all shards since the previous collect(), one SlotData per slot.
  /// Thread-safe against recording; callers must not call collect() concurrently.
  std::vector<SlotData> collect();

 private:
  std::vector<SlotSpec> slots_;
  std::vector<std::unique_ptr<RecorderShard>> shards_;
  std::mutex collect_mu_;
};

/// ns -> µs, rounded to nearest (the unit every latency histogram stores).
constexpr std::int64_t to_micros(Nanos ns) noexcept {
  return (ns + kNanosPerMicro / 2) / kNanosPerMicro;
}

}  // namespace lg::metrics
