// Histogram: HdrHistogram layout, percentile rule and merge semantics (HdrHistogram's
// AbstractHistogram).
#include "harness/metrics/histogram.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace lg::metrics {
namespace {

const BucketLayout& def() { return BucketLayout::default_latency(); }

TEST(BucketLayout, DefaultLatencyIsOneMicrosecondToOneHourAtThreeDigits) {
  EXPECT_EQ(def().lowest(), 1);
  EXPECT_EQ(def().highest(), 3'600'000'000);
  EXPECT_EQ(def().sig_figs(), 3);
  EXPECT_EQ(def().sub_bucket_count(), 2048);
  // 2048·2^21 > 3.6e9 >= 2048·2^20.
  EXPECT_EQ(def().bucket_count(), 22);
  EXPECT_EQ(def().counts_len(), (22 + 1) * 1024);
}

TEST(BucketLayout, OneMicrosecondToTwentyFourHoursHasTwentySevenBuckets) {
  // wrk2 prints "Buckets = 27, SubBuckets = 2048" for 1 µs .. 24 h in µs at d = 3.
  const auto l = BucketLayout::make(1, 86'400'000'000, 3);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->bucket_count(), 27);
  EXPECT_EQ(l->sub_bucket_count(), 2048);
}

TEST(BucketLayout, SubBucketCountFollowsSignificantDigits) {
  EXPECT_EQ(BucketLayout::make(1, 1000, 1)->sub_bucket_count(), 32);  // 2·10 -> 2^5
  EXPECT_EQ(BucketLayout::make(1, 1000, 2)->sub_bucket_count(), 256);
  EXPECT_EQ(BucketLayout::make(1, 1000, 5)->sub_bucket_count(), 262144);
}

TEST(BucketLayout, MakeRejectsBadArguments) {
  EXPECT_FALSE(BucketLayout::make(0, 1000, 3));
  EXPECT_FALSE(BucketLayout::make(-1, 1000, 3));
  EXPECT_FALSE(BucketLayout::make(10, 19, 3));  // highest < 2·lowest
  EXPECT_FALSE(BucketLayout::make(1, 1000, 0));
  EXPECT_FALSE(BucketLayout::make(1, 1000, 6));
  EXPECT_TRUE(BucketLayout::make(10, 20, 3));
  EXPECT_TRUE(BucketLayout::make(1, INT64_MAX, 3));
}

TEST(BucketLayout, LayoutsCompareByParameters) {
  EXPECT_EQ(*BucketLayout::make(1, 3'600'000'000, 3), def());
  EXPECT_FALSE(*BucketLayout::make(1, 3'600'000'000, 2) == def());
}

TEST(BucketLayout, ValuesBelowTwiceSubBucketHalfCountAreExact) {
  for (std::int64_t v : {0, 1, 2, 1023, 1024, 2047}) {
    EXPECT_EQ(def().index_of(v), v);
    EXPECT_EQ(def().lowest_equivalent(v), v);
    EXPECT_EQ(def().highest_equivalent(v), v);
    EXPECT_EQ(def().size_of_equivalent_range(v), 1);
  }
}

TEST(BucketLayout, SubBucketBoundaries) {
  // Bucket 1 starts at 2048 with resolution 2; bucket 2 at 4096 with resolution 4.
  EXPECT_EQ(def().index_of(2048), 2048);
  EXPECT_EQ(def().index_of(2049), 2048);
  EXPECT_EQ(def().index_of(2050), 2049);
  EXPECT_EQ(def().lowest_equivalent(2049), 2048);
  EXPECT_EQ(def().highest_equivalent(2048), 2049);
  EXPECT_EQ(def().highest_equivalent(4095), 4095);
  EXPECT_EQ(def().lowest_equivalent(4095), 4094);
  EXPECT_EQ(def().size_of_equivalent_range(4096), 4);
  EXPECT_EQ(def().lowest_equivalent(4099), 4096);
  EXPECT_EQ(def().index_of(4096), 3072);
  EXPECT_EQ(def().value_from_index(3072), 4096);
  EXPECT_EQ(def().median_equivalent(4096), 4098);
}

TEST(BucketLayout, LowestAboveOneUsesUnitMagnitude) {
  const auto l = *BucketLayout::make(1000, 3'600'000'000, 3);  // unit 512
  EXPECT_EQ(l.lowest_equivalent(511), 0);
  EXPECT_EQ(l.highest_equivalent(0), 511);
  EXPECT_EQ(l.lowest_equivalent(1000), 512);
  EXPECT_EQ(l.index_of(1000), 1);
}

TEST(BucketLayout, IndexRoundTripsAndErrorStaysWithinPrecision) {
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<std::int64_t> pick(0, def().highest());
  for (int k = 0; k < 100000; ++k) {
    const std::int64_t v = (k % 2 == 0) ? pick(gen) : pick(gen) >> (k % 40);
    const std::int32_t i = def().index_of(v);
    ASSERT_GE(i, 0);
    ASSERT_LT(i, def().counts_len());
    const std::int64_t lo = def().value_from_index(i);
    ASSERT_EQ(lo, def().lowest_equivalent(v)) << v;
    ASSERT_LE(lo, v);
    ASSERT_GE(def().highest_equivalent(v), v);
    if (lo > 0) {
      ASSERT_LE(double(def().size_of_equivalent_range(v) - 1) / double(lo), 1e-3) << v;
    }
  }
  EXPECT_LT(def().index_of(def().highest()), def().counts_len());
}

TEST(Histogram, EmptyHistogramReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.stddev(), 0.0);
  EXPECT_EQ(h.max_index(), -1);
}

TEST(Histogram, OutOfRangeReturnsFalseAndRecordsNothing) {
  Histogram h;
  EXPECT_FALSE(h.record(-1));
  EXPECT_FALSE(h.record(def().highest() + 1));
  EXPECT_FALSE(h.record(INT64_MAX));
  EXPECT_FALSE(h.record(5, -1));
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.max_index(), -1);
  EXPECT_TRUE(h.record(0));
  EXPECT_TRUE(h.record(def().highest()));
  EXPECT_EQ(h.count(), 2);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), def().highest());
  EXPECT_EQ(h.value_at_percentile(100), def().highest_equivalent(def().highest()));
}

TEST(Histogram, RecordWithCountAddsThatManySamples) {
  Histogram h;
  EXPECT_TRUE(h.record(5, 3));
  EXPECT_TRUE(h.record(7, 0));  // no-op: does not move min/max
  EXPECT_EQ(h.count(), 3);
  EXPECT_EQ(h.max(), 5);
  EXPECT_EQ(h.count_at_index(def().index_of(5)), 3);
}

// Exact p-th percentile of 1..n under the nearest-rank rule HdrHistogram uses.
std::int64_t exact_rank(double p, std::int64_t n) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p / 100 * n)));
}

TEST(Histogram, UniformPercentilesWithinPrecision) {
  Histogram h;
  constexpr std::int64_t kN = 100000;
  for (std::int64_t v = 1; v <= kN; ++v) ASSERT_TRUE(h.record(v));
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
    const auto exact = static_cast<double>(exact_rank(p, kN));
    const auto got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE((got - exact) / exact, 1e-3) << "p" << p;
  }
  EXPECT_EQ(h.value_at_percentile(50), def().highest_equivalent(50000));
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), kN);
}

TEST(Histogram, TargetRuleMatchesHdrHistogram) {
  Histogram h;
  for (std::int64_t v = 1; v <= 10; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(50), 5);  // 0.5·10 is exactly 5 after the ulp nudge
  EXPECT_EQ(h.value_at_percentile(51), 6);
  EXPECT_EQ(h.value_at_percentile(10), 1);
  EXPECT_EQ(h.value_at_percentile(10.0001), 2);
  EXPECT_EQ(h.value_at_percentile(0), 1);
  EXPECT_EQ(h.value_at_percentile(100), 10);
  EXPECT_EQ(h.value_at_percentile(150), 10);  // clamped
  EXPECT_EQ(h.value_at_percentile(-3), 1);
}

TEST(Histogram, UlpNudgeKeepsDecimalPercentilesOnTheirSample) {
  // 7 / 100 * 100 is 7.000000000000001 in doubles; without the nudge ceil() would reach 8.
  Histogram h;
  for (std::int64_t v = 1; v <= 100; ++v) h.record(v);
  for (std::int64_t p : {7, 14, 28, 55, 56}) {
    EXPECT_EQ(h.value_at_percentile(static_cast<double>(p)), p);
  }
}

TEST(Histogram, ExtremePercentilesUseBucketEdges) {
  Histogram h;
  h.record(3001);
  h.record(5001);
  EXPECT_EQ(h.value_at_percentile(0), 3000);    // lowest equivalent of the min bucket
  EXPECT_EQ(h.value_at_percentile(100), 5003);  // highest equivalent of the max bucket
  EXPECT_EQ(h.value_at_percentile(100), def().highest_equivalent(h.max()));
  EXPECT_EQ(h.min(), 3001);  // min/max stay exact
  EXPECT_EQ(h.max(), 5001);
}

TEST(Histogram, HundredthPercentileIsHighestEquivalentOfMax) {
  std::mt19937_64 gen(11);
  std::lognormal_distribution<double> d(8, 2);
  Histogram h;
  for (int k = 0; k < 50000; ++k) h.record(static_cast<std::int64_t>(d(gen)));
  EXPECT_EQ(h.value_at_percentile(100), def().highest_equivalent(h.max()));
}

std::vector<std::int64_t> random_latencies(unsigned seed, int n) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> d(7, 1.5);
  std::vector<std::int64_t> out;
  for (int k = 0; k < n; ++k) out.push_back(static_cast<std::int64_t>(d(gen)));
  return out;
}

void expect_same(const Histogram& a, const Histogram& b) {
  ASSERT_EQ(a.count(), b.count());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.max_index(), b.max_index());
  for (std::int32_t i = 0; i < a.layout().counts_len(); ++i) {
    ASSERT_EQ(a.count_at_index(i), b.count_at_index(i)) << i;
  }
  for (double p : {0.0, 50.0, 99.0, 100.0}) {
    EXPECT_EQ(a.value_at_percentile(p), b.value_at_percentile(p));
  }
}

TEST(Histogram, AddEqualsRecordingEverythingInOne) {
  Histogram a, b, all;
  for (auto v : random_latencies(1, 20000)) {
    a.record(v);
    all.record(v);
  }
  for (auto v : random_latencies(2, 30000)) {
    b.record(v * 3);
    all.record(v * 3);
  }
  a.add(b);
  expect_same(a, all);
  a.add(Histogram{});  // adding an empty histogram changes nothing
  expect_same(a, all);
}

TEST(Histogram, AddWithDifferentLayoutThrows) {
  Histogram a;
  Histogram b(*BucketLayout::make(1, 3'600'000'000, 2));
  b.record(10);
  EXPECT_THROW(a.add(b), std::invalid_argument);
  EXPECT_EQ(a.count(), 0);
}

TEST(Histogram, ResetClearsAndAllowsReuse) {
  Histogram h;
  for (auto v : random_latencies(3, 1000)) h.record(v);
  const std::int32_t hi = h.max_index();
  h.reset();
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.max_index(), -1);
  EXPECT_EQ(h.max(), 0);
  for (std::int32_t i = 0; i <= hi; ++i) ASSERT_EQ(h.count_at_index(i), 0);
  h.record(42);
  EXPECT_EQ(h.value_at_percentile(50), 42);
  EXPECT_EQ(h.min(), 42);
}

// Resident memory of this process in bytes: the Rss of every mapping in /proc/self/smaps, less
// AddressSanitizer's shadow (x86-64: 0x7fff8000 up to 0x10007fff8000, a byte per eight of ours).
// The shadow of released pages stays resident (2.6 MB for the 12 MB below, at -O0), and it is
// the sanitizer's memory, not the histogram's.
std::int64_t resident_bytes() {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  std::int64_t kb = 0;
  bool counted = true;
  while (std::getline(smaps, line)) {
    const auto dash = line.find('-');
    const auto space = line.find(' ');
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        dash != std::string::npos && dash < space) {
      const auto start = std::stoull(line.substr(0, dash), nullptr, 16);
      counted = start < 0x7fff8000ULL || start >= 0x10007fff8000ULL;
    } else if (counted && line.rfind("Rss:", 0) == 0) {
      kb += std::stoll(line.substr(4));
    }
  }
  return kb * 1024;
}

// A long run's recorder shards see a few samples per interval spread over many buckets; reset
// must give those pages back, or every page a shard ever touched stays resident.
TEST(Histogram, ResetOfAWideSparseRangeReturnsItsMemory) {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's allocator keeps freed pages resident: the RSS this test reads is its.
  GTEST_SKIP() << "resident memory is the sanitizer allocator's, not the histogram's";
#endif
  std::vector<Histogram> hs(100);
  const std::int64_t before = resident_bytes();
  for (auto& h : hs) {
    for (std::int64_t v = 1; v <= 3'600'000'000LL; v *= 2) h.record(v + 1);
  }
  const std::int64_t touched = resident_bytes() - before;
  ASSERT_GT(touched, 100 * 64 * 1024) << "one value per bucket touches a page per bucket";
  for (auto& h : hs) h.reset();
  const std::int64_t kept = resident_bytes() - before;
  EXPECT_LT(kept, touched / 10) << "touched " << touched << " bytes, still resident " << kept;
  for (auto& h : hs) {
    for (std::int32_t i = 0; i < h.layout().counts_len(); i += 97)
      ASSERT_EQ(h.count_at_index(i), 0);
    h.record(3'000'000'000LL);
    EXPECT_EQ(h.count(), 1);
  }
}

TEST(Histogram, CopyAndMovePreserveContents) {
  Histogram h;
  for (auto v : random_latencies(4, 5000)) h.record(v);
  Histogram copy(h);
  expect_same(copy, h);
  Histogram moved(std::move(copy));
  expect_same(moved, h);
  copy = h;  // assigning to a moved-from histogram re-allocates
  expect_same(copy, h);
  Histogram other(*BucketLayout::make(1, 1000, 2));
  other = h;
  EXPECT_EQ(other.layout(), h.layout());
  expect_same(other, h);
  Histogram target;
  target.record(1);
  target = std::move(moved);
  expect_same(target, h);
}

TEST(Histogram, ForEachBucketVisitsNonEmptyBucketsAscending) {
  Histogram h;
  h.record(5000, 2);
  h.record(3);
  h.record(5001);
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> seen;
  h.for_each_bucket(
      [&](std::int64_t lo, std::int64_t hi, std::int64_t n) { seen.emplace_back(lo, hi, n); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_tuple(3, 3, 1));
  EXPECT_EQ(seen[1], std::make_tuple(5000, 5003, 3));
}

TEST(Histogram, MeanAndStddevOfExactValues) {
  Histogram h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);
  EXPECT_NEAR(h.stddev(), std::sqrt((1000.0 * 1000.0 - 1) / 12), 1e-9);
}

TEST(Histogram, MeanUsesBucketMedianAndStaysWithinPrecision) {
  Histogram h;
  h.record(1'000'001);
  EXPECT_DOUBLE_EQ(h.mean(), double(def().median_equivalent(1'000'001)));
  EXPECT_EQ(h.stddev(), 0.0);
  h.reset();
  h.record(1'000'000, 10);
  h.record(3'000'000, 10);
  EXPECT_NEAR(h.mean(), 2'000'000, 2'000'000 * 1e-3);
  EXPECT_NEAR(h.stddev(), 1'000'000, 1'000'000 * 1e-3);
}

}  // namespace
}  // namespace lg::metrics
