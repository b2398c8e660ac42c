#pragma once
// Log-linear latency histogram with HdrHistogram's bucket layout and percentile rule
// (HdrHistogram's AbstractHistogram.java; docs/architecture.md "Sources"). Values are integers in
// the caller's unit; loadgate records microseconds. A value v is stored with a relative error of at
// most 10^-sig_figs: every value in a bucket shares [lowest_equivalent(v), highest_equivalent(v)].

#include <cstdint>
#include <memory>
#include <optional>

namespace lg::metrics {

/// Validated histogram geometry. Pure value type; cheap to copy.
class BucketLayout {
 public:
  /// lowest >= 1, highest >= 2*lowest, sig_figs in [1, 5]; nullopt otherwise.
  static std::optional<BucketLayout> make(std::int64_t lowest, std::int64_t highest, int sig_figs);
  /// loadgate's layout: 1 µs .. 1 h (3.6e9 µs), 3 significant digits.
  static const BucketLayout& default_latency();

  std::int64_t lowest() const noexcept { return lowest_; }
  std::int64_t highest() const noexcept { return highest_; }
  int sig_figs() const noexcept { return sig_figs_; }
  std::int32_t counts_len() const noexcept { return counts_len_; }
  std::int32_t bucket_count() const noexcept { return bucket_count_; }
  std::int32_t sub_bucket_count() const noexcept { return sub_bucket_count_; }

  /// Index of v in the counts array; v must be in [0, highest].
  std::int32_t index_of(std::int64_t v) const noexcept;
  /// Lowest value that maps to counts index i.
  std::int64_t value_from_index(std::int32_t i) const noexcept;
  std::int64_t lowest_equivalent(std::int64_t v) const noexcept;
  std::int64_t highest_equivalent(std::int64_t v) const noexcept;
  std::int64_t size_of_equivalent_range(std::int64_t v) const noexcept;
  /// Middle of v's equivalent range (lowest + size/2); what mean() and stddev() weigh.
  std::int64_t median_equivalent(std::int64_t v) const noexcept;
  bool operator==(const BucketLayout& o) const noexcept {
    return lowest_ == o.lowest_ && highest_ == o.highest_ && sig_figs_ == o.sig_figs_;
  }

 private:
  BucketLayout() = default;
  int bucket_index(std::int64_t v) const noexcept;

  std::int64_t lowest_ = 1;
  std::int64_t highest_ = 2;
  int sig_figs_ = 3;
  int unit_magnitude_ = 0;
  int sub_bucket_half_count_magnitude_ = 0;
  std::int32_t sub_bucket_count_ = 0;
  std::int32_t sub_bucket_half_count_ = 0;
  std::int64_t sub_bucket_mask_ = 0;
  std::int32_t bucket_count_ = 0;
  std::int32_t counts_len_ = 0;
};

/// Counts per bucket plus exact min/max. record() is wait-free and never allocates; the
/// counts array is an anonymous mapping, so pages no value touches are never resident, and
/// reset() returns a wide touched range's pages to the system (memory stays proportional to
/// what one interval records, not to everything a long run ever touched). Not thread-safe:
/// one writer per instance (a recorder shard). A moved-from histogram may only be assigned to
/// or destroyed. Constructors and copy-assignment throw std::bad_alloc if mmap fails.
class Histogram {
 public:
  explicit Histogram(const BucketLayout& layout = BucketLayout::default_latency());
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  Histogram(Histogram&&) noexcept;
  Histogram& operator=(Histogram&&) noexcept;
  ~Histogram();

  /// Adds n samples of value v. Returns false (and records nothing) when v < 0,
  /// v > layout().highest() or n < 0; the caller counts those, never clamps. n = 0 is a no-op.
  bool record(std::int64_t v, std::int64_t n = 1) noexcept;
  /// Adds every count of other. Throws std::invalid_argument if the layouts differ.
  void add(const Histogram& other);
  /// Zeroes the histogram: only the touched index range; ranges over 16 KiB are released with
  /// madvise(MADV_DONTNEED) rather than written.
  void reset() noexcept;

  /// HdrHistogram getValueAtPercentile: p in [0, 100]; target = max(1, ceil(p/100*count))
  /// after nudging p down one ulp; returns the highest equivalent value of the bucket reached
  /// (lowest equivalent for p = 0). 0 when empty.
  std::int64_t value_at_percentile(double p) const noexcept;
  std::int64_t count() const noexcept { return total_; }
  /// Exact min/max of recorded values (0 when empty).
  std::int64_t min() const noexcept;
  std::int64_t max() const noexcept;
  /// Mean of recorded values using each bucket's median equivalent value (as HdrHistogram).
  double mean() const noexcept;
  /// Population standard deviation around mean(), same bucket-median rule (as HdrHistogram).
  double stddev() const noexcept;
  const BucketLayout& layout() const noexcept { return layout_; }

  /// Raw count at counts index i (for encoders such as the .hlog writer).
  std::int64_t count_at_index(std::int32_t i) const noexcept { return counts_[i]; }
  /// Highest counts index with a non-zero count, or -1 when empty.
  std::int32_t max_index() const noexcept { return total_ == 0 ? -1 : max_idx_; }

  /// Calls f(lowest_equivalent, highest_equivalent, count) for each non-empty bucket, ascending.
  template <class F>
  void for_each_bucket(F&& f) const {
    if (total_ == 0) return;
    for (std::int32_t i = min_idx_; i <= max_idx_; ++i) {
      if (counts_[i] != 0) {
        const std::int64_t lo = layout_.value_from_index(i);
        f(lo, layout_.highest_equivalent(lo), counts_[i]);
      }
    }
  }

 private:
  void clear_summary() noexcept;
  void copy_counts_from(const Histogram& other) noexcept;
  // f(lowest_equivalent, count) over non-empty indices.
  template <class F>
  void for_each_index(F&& f) const {
    for (std::int32_t i = min_idx_; i <= max_idx_; ++i) {
      if (counts_[i] != 0) f(layout_.value_from_index(i), counts_[i]);
    }
  }

  BucketLayout layout_;
  std::int64_t* counts_ = nullptr;  // mmap'ed, counts_len entries
  std::int64_t total_ = 0;
  std::int64_t min_value_ = INT64_MAX;
  std::int64_t max_value_ = 0;
  std::int32_t min_idx_ = INT32_MAX;
  std::int32_t max_idx_ = -1;
};

}  // namespace lg::metrics
