// Recorder: interval snapshots taken while writers record lose and duplicate nothing.

#include "harness/metrics/recorder.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace lg::metrics {
namespace {

std::vector<SlotSpec> two_slots() {
  return {{"sql_duration", MetricKind::kTrend, make_tags({{"query", "a"}})},
          {"sql_duration", MetricKind::kTrend, make_tags({{"query", "b"}})}};
}

TEST(Recorder, CollectReturnsWhatWasRecordedSinceLastCollect) {
  Recorder rec(two_slots(), 2);
  rec.shard(0).record(0, 100);
  rec.shard(0).record(0, 200);
  rec.shard(1).record(1, 5'000);
  auto first = rec.collect();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].count, 2);
  EXPECT_EQ(first[0].errors, 0);
  EXPECT_EQ(first[0].hist.max(), 200);
  EXPECT_EQ(first[1].count, 1);
  EXPECT_EQ(first[1].hist.value_at_percentile(50),
            BucketLayout::default_latency().highest_equivalent(5'000));
  auto second = rec.collect();
  EXPECT_EQ(second[0].count, 0);
  EXPECT_EQ(second[1].count, 0);
}

// A failure is counted (in count, errors and its class) but is never a latency sample: a
// refused connection answered in 0.1 ms must not make p95 look good.
TEST(Recorder, FailedSamplesAreCountedByClassAndKeptOutOfTheHistogram) {
  Recorder rec(two_slots(), 1);
  rec.shard(0).record(0, 5'000);
  rec.shard(0).record(0, 100, ErrorClass::kConnect);
  rec.shard(0).record(0, 100, ErrorClass::kConnect);
  rec.shard(0).record(0, 30'000'000, ErrorClass::kTimeout);
  const auto snap = rec.collect();
  EXPECT_EQ(snap[0].count, 4);
  EXPECT_EQ(snap[0].errors, 3);
  EXPECT_EQ(snap[0].by_class[error_index(ErrorClass::kConnect)], 2);
  EXPECT_EQ(snap[0].by_class[error_index(ErrorClass::kTimeout)], 1);
  EXPECT_EQ(snap[0].by_class[error_index(ErrorClass::kServer)], 0);
  EXPECT_EQ(snap[0].hist.count(), 1);
  EXPECT_EQ(snap[0].hist.min(), snap[0].hist.max());
  EXPECT_EQ(snap[0].hist.max(), 5000);  // exact max: neither failure reached the histogram
}

TEST(Recorder, OutOfRangeValuesAreCountedNotClamped) {
  Recorder rec(two_slots(), 1);
  rec.shard(0).record(0, BucketLayout::default_latency().highest() + 1);
  auto snap = rec.collect();
  EXPECT_EQ(snap[0].count, 1);
  EXPECT_EQ(snap[0].out_of_range, 1);
  EXPECT_EQ(snap[0].hist.count(), 0);
}

// Four writers record continuously while the collector snapshots as fast as it can: the sum of
// all snapshots must equal exactly what the writers recorded.
TEST(Recorder, ConcurrentRecordingAndCollectingLosesNothing) {
  constexpr int kWriters = 4;
  constexpr std::int64_t kPerWriter = 200'000;
  Recorder rec(two_slots(), kWriters);
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto& shard = rec.shard(static_cast<std::size_t>(w));
      for (std::int64_t i = 0; i < kPerWriter; ++i) {
        shard.record(static_cast<SlotId>(i & 1), 1 + (i % 1000),
                     i % 7 == 0 ? ErrorClass::kServer : ErrorClass::kNone);
      }
      done.fetch_add(1);
    });
  }
  std::int64_t count = 0, errors = 0, server = 0, hist_count = 0, snapshots = 0;
  auto drain = [&] {
    for (const auto& d : rec.collect()) {
      count += d.count;
      errors += d.errors;
      server += d.by_class[error_index(ErrorClass::kServer)];
      hist_count += d.hist.count();
    }
    ++snapshots;
  };
  while (done.load() < kWriters) drain();
  for (auto& t : writers) t.join();
  drain();
  std::int64_t expected_errors = 0;
  for (std::int64_t i = 0; i < kPerWriter; ++i) expected_errors += (i % 7 == 0) ? 1 : 0;
  EXPECT_EQ(count, kWriters * kPerWriter);
  EXPECT_EQ(hist_count, kWriters * (kPerWriter - expected_errors));
  EXPECT_EQ(errors, kWriters * expected_errors);
  EXPECT_EQ(server, errors);
  EXPECT_GT(snapshots, 1);
}

TEST(Recorder, ToMicrosRoundsToNearest) {
  EXPECT_EQ(to_micros(1'499), 1);
  EXPECT_EQ(to_micros(1'500), 2);
  EXPECT_EQ(to_micros(0), 0);
}

}  // namespace
}  // namespace lg::metrics
