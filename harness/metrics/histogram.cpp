#include "harness/metrics/histogram.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace lg::metrics {
namespace {

// floor(log2 v) for v >= 1.
int floor_log2(std::int64_t v) { return 63 - std::countl_zero(static_cast<std::uint64_t>(v)); }

// HdrHistogram getBucketsNeededToCoverValue: smallest n with subBucketCount·2^(unit+n−1) > H.
int buckets_needed(std::int64_t highest, std::int32_t sub_bucket_count, int unit_magnitude) {
  std::int64_t smallest_untrackable = static_cast<std::int64_t>(sub_bucket_count) << unit_magnitude;
  int buckets = 1;
  while (smallest_untrackable <= highest) {
    if (smallest_untrackable > INT64_MAX / 2) return buckets + 1;
    smallest_untrackable <<= 1;
    ++buckets;
  }
  return buckets;
}

std::size_t counts_bytes(std::int32_t len) {
  return static_cast<std::size_t>(len) * sizeof(std::int64_t);
}

// Counts live in their own anonymous mapping: the kernel hands out zero pages lazily, so only
// the buckets a run touches become resident, and reset() can give wide sparse ranges back.
std::int64_t* alloc_counts(std::int32_t len) {
  void* p =
      mmap(nullptr, counts_bytes(len), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return static_cast<std::int64_t*>(p);
}

void free_counts(std::int64_t* p, std::int32_t len) noexcept {
  if (p != nullptr) munmap(p, counts_bytes(len));
}

// Zeroing wider than this gives the pages back instead of writing zeros. A recorder shard holds
// a histogram per slot, twice, per VU; a slow run spreads each one's few samples per interval
// over many buckets, and memset would keep every page it ever touched resident (1.8 GB at 128
// VUs with latencies from 1 ms to 30 s before this; bench/recorder_memory_bench.cpp).
constexpr std::size_t kReleaseBytes = 16 * 1024;

// Counts outside [from, to] are zero by the histogram's invariant, so whole pages around the
// range can be released: the mapping is page-aligned and a page's zero-filled refault is exact.
void zero_counts(std::int64_t* counts, std::int32_t from, std::int32_t to) noexcept {
  auto* begin = reinterpret_cast<char*>(counts + from);
  auto* end = reinterpret_cast<char*>(counts + to + 1);
  const auto span = static_cast<std::size_t>(end - begin);
  if (span < kReleaseBytes) {
    std::memset(begin, 0, span);
    return;
  }
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  auto* first = reinterpret_cast<char*>(reinterpret_cast<std::uintptr_t>(begin) & ~(page - 1));
  auto* last =
      reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(end) + page - 1) & ~(page - 1));
  // MADV_DONTNEED on a private anonymous mapping: the next access of these pages sees zeros.
  if (madvise(first, static_cast<std::size_t>(last - first), MADV_DONTNEED) != 0) {
    std::memset(begin, 0, span);
  }
}

}  // namespace

std::optional<BucketLayout> BucketLayout::make(std::int64_t lowest, std::int64_t highest,
                                               int sig_figs) {
  if (lowest < 1 || sig_figs < 1 || sig_figs > 5 || highest < 2 || highest / 2 < lowest) {
    return std::nullopt;
  }
  BucketLayout l;
  l.lowest_ = lowest;
  l.highest_ = highest;
  l.sig_figs_ = sig_figs;
  l.unit_magnitude_ = floor_log2(lowest);
  // Every value up to 2·10^d must be resolved exactly (HdrHistogram's AbstractHistogram).
  const std::int64_t single_unit_max = 2 * static_cast<std::int64_t>(std::pow(10, sig_figs));
  const int sub_bucket_count_magnitude = static_cast<int>(std::ceil(std::log2(single_unit_max)));
  l.sub_bucket_half_count_magnitude_ = sub_bucket_count_magnitude - 1;
  if (l.unit_magnitude_ + l.sub_bucket_half_count_magnitude_ > 61) return std::nullopt;
  l.sub_bucket_count_ = std::int32_t{1} << sub_bucket_count_magnitude;
  l.sub_bucket_half_count_ = l.sub_bucket_count_ / 2;
  l.sub_bucket_mask_ = static_cast<std::int64_t>(l.sub_bucket_count_ - 1) << l.unit_magnitude_;
  l.bucket_count_ = buckets_needed(highest, l.sub_bucket_count_, l.unit_magnitude_);
  l.counts_len_ = (l.bucket_count_ + 1) * l.sub_bucket_half_count_;
  return l;
}

const BucketLayout& BucketLayout::default_latency() {
  static const BucketLayout kLayout = *make(1, 3'600'000'000, 3);
  return kLayout;
}

int BucketLayout::bucket_index(std::int64_t v) const noexcept {
  const int base = 64 - unit_magnitude_ - (sub_bucket_half_count_magnitude_ + 1);
  return base - std::countl_zero(static_cast<std::uint64_t>(v | sub_bucket_mask_));
}

std::int32_t BucketLayout::index_of(std::int64_t v) const noexcept {
  const int bucket = bucket_index(v);
  const auto sub = static_cast<std::int32_t>(v >> (bucket + unit_magnitude_));
  return ((bucket + 1) << sub_bucket_half_count_magnitude_) + (sub - sub_bucket_half_count_);
}

std::int64_t BucketLayout::value_from_index(std::int32_t i) const noexcept {
  int bucket = (i >> sub_bucket_half_count_magnitude_) - 1;
  std::int64_t sub = (i & (sub_bucket_half_count_ - 1)) + sub_bucket_half_count_;
  if (bucket < 0) {
    sub -= sub_bucket_half_count_;
    bucket = 0;
  }
  return sub << (bucket + unit_magnitude_);
}

std::int64_t BucketLayout::lowest_equivalent(std::int64_t v) const noexcept {
  const int bucket = bucket_index(v);
  const std::int64_t sub = v >> (bucket + unit_magnitude_);
  return sub << (bucket + unit_magnitude_);
}

std::int64_t BucketLayout::size_of_equivalent_range(std::int64_t v) const noexcept {
  const int bucket = bucket_index(v);
  const std::int64_t sub = v >> (bucket + unit_magnitude_);
  // A sub-bucket index past the top belongs to the next bucket (HdrHistogram does the same).
  return std::int64_t{1} << (unit_magnitude_ + (sub >= sub_bucket_count_ ? bucket + 1 : bucket));
}

std::int64_t BucketLayout::highest_equivalent(std::int64_t v) const noexcept {
  return lowest_equivalent(v) + size_of_equivalent_range(v) - 1;
}

std::int64_t BucketLayout::median_equivalent(std::int64_t v) const noexcept {
  return lowest_equivalent(v) + (size_of_equivalent_range(v) >> 1);
}

Histogram::Histogram(const BucketLayout& layout)
    : layout_(layout), counts_(alloc_counts(layout.counts_len())) {}

Histogram::Histogram(const Histogram& other)
    : layout_(other.layout_), counts_(alloc_counts(other.layout_.counts_len())) {
  copy_counts_from(other);
}

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  if (counts_ == nullptr || !(layout_ == other.layout_)) {
    std::int64_t* fresh = alloc_counts(other.layout_.counts_len());
    free_counts(counts_, layout_.counts_len());
    counts_ = fresh;
    layout_ = other.layout_;
    clear_summary();
  } else {
    reset();
  }
  copy_counts_from(other);
  return *this;
}

Histogram::Histogram(Histogram&& other) noexcept
    : layout_(other.layout_),
      counts_(std::exchange(other.counts_, nullptr)),
      total_(other.total_),
      min_value_(other.min_value_),
      max_value_(other.max_value_),
      min_idx_(other.min_idx_),
      max_idx_(other.max_idx_) {
  other.clear_summary();
}

Histogram& Histogram::operator=(Histogram&& other) noexcept {
  if (this == &other) return *this;
  free_counts(counts_, layout_.counts_len());
  layout_ = other.layout_;
  counts_ = std::exchange(other.counts_, nullptr);
  total_ = other.total_;
  min_value_ = other.min_value_;
  max_value_ = other.max_value_;
  min_idx_ = other.min_idx_;
  max_idx_ = other.max_idx_;
  other.clear_summary();
  return *this;
}

Histogram::~Histogram() { free_counts(counts_, layout_.counts_len()); }

void Histogram::clear_summary() noexcept {
  total_ = 0;
  min_value_ = INT64_MAX;
  max_value_ = 0;
  min_idx_ = INT32_MAX;
  max_idx_ = -1;
}

void Histogram::copy_counts_from(const Histogram& other) noexcept {
  if (other.total_ != 0) {
    std::memcpy(
        counts_ + other.min_idx_, other.counts_ + other.min_idx_,
        sizeof(std::int64_t) * static_cast<std::size_t>(other.max_idx_ - other.min_idx_ + 1));
  }
  total_ = other.total_;
  min_value_ = other.min_value_;
  max_value_ = other.max_value_;
  min_idx_ = other.min_idx_;
  max_idx_ = other.max_idx_;
}

bool Histogram::record(std::int64_t v, std::int64_t n) noexcept {
  if (v < 0 || v > layout_.highest() || n < 0) return false;
  if (n == 0) return true;
  const std::int32_t i = layout_.index_of(v);
  counts_[i] += n;
  total_ += n;
  min_value_ = std::min(min_value_, v);
  max_value_ = std::max(max_value_, v);
  min_idx_ = std::min(min_idx_, i);
  max_idx_ = std::max(max_idx_, i);
  return true;
}

void Histogram::add(const Histogram& other) {
  if (!(layout_ == other.layout_)) {
    throw std::invalid_argument("Histogram::add: histograms have different bucket layouts");
  }
  if (other.total_ == 0) return;
  for (std::int32_t i = other.min_idx_; i <= other.max_idx_; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  min_value_ = std::min(min_value_, other.min_value_);
  max_value_ = std::max(max_value_, other.max_value_);
  min_idx_ = std::min(min_idx_, other.min_idx_);
  max_idx_ = std::max(max_idx_, other.max_idx_);
}

void Histogram::reset() noexcept {
  if (total_ != 0) zero_counts(counts_, min_idx_, max_idx_);
  clear_summary();
}

std::int64_t Histogram::value_at_percentile(double p) const noexcept {
  if (total_ == 0) return 0;
  // The one-ulp nudge keeps p·count that is exact in decimal (e.g. 50 % of 10) from rounding up
  // into the next sample when ceil() is applied.
  double q = std::nextafter(p, -INFINITY);
  q = std::isnan(q) ? 0.0 : std::clamp(q, 0.0, 100.0);
  const auto target =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(q / 100.0 * total_)));
  std::int64_t seen = 0;
  for (std::int32_t i = min_idx_; i <= max_idx_; ++i) {
    seen += counts_[i];
    if (seen >= target) {
      const std::int64_t v = layout_.value_from_index(i);
      return p == 0.0 ? layout_.lowest_equivalent(v) : layout_.highest_equivalent(v);
    }
  }
  return layout_.highest_equivalent(max_value_);
}

std::int64_t Histogram::min() const noexcept { return total_ == 0 ? 0 : min_value_; }

std::int64_t Histogram::max() const noexcept { return total_ == 0 ? 0 : max_value_; }

double Histogram::mean() const noexcept {
  if (total_ == 0) return 0.0;
  double sum = 0;
  for_each_index([&](std::int64_t lo, std::int64_t n) {
    sum += static_cast<double>(layout_.median_equivalent(lo)) * static_cast<double>(n);
  });
  return sum / static_cast<double>(total_);
}

double Histogram::stddev() const noexcept {
  if (total_ == 0) return 0.0;
  const double m = mean();
  double sq = 0;
  for_each_index([&](std::int64_t lo, std::int64_t n) {
    const double d = static_cast<double>(layout_.median_equivalent(lo)) - m;
    sq += d * d * static_cast<double>(n);
  });
  return std::sqrt(sq / static_cast<double>(total_));
}

}  // namespace lg::metrics
