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
  rec.shard(0).record(0, 100, false);
  rec.shard(0).record(0, 200, true);
  rec.shard(1).record(1, 5'000, false);
  auto first = rec.collect();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].count, 2);
  EXPECT_EQ(first[0].errors, 1);
  EXPECT_EQ(first[0].hist.max(), 200);
  EXPECT_EQ(first[1].count, 1);
  EXPECT_EQ(first[1].hist.value_at_percentile(50),
            BucketLayout::default_latency().highest_equivalent(5'000));
  auto second = rec.collect();
  EXPECT_EQ(second[0].count, 0);
  EXPECT_EQ(second[1].count, 0);
}

TEST(Recorder, OutOfRangeValuesAreCountedNotClamped) {
  Recorder rec(two_slots(), 1);
  rec.shard(0).record(0, BucketLayout::default_latency().highest() + 1, false);
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
        shard.record(static_cast<SlotId>(i & 1), 1 + (i % 1000), i % 7 == 0);
      }
      done.fetch_add(1);
    });
  }
  std::int64_t count = 0, errors = 0, hist_count = 0, snapshots = 0;
  auto drain = [&] {
    for (const auto& d : rec.collect()) {
      count += d.count;
      errors += d.errors;
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
  EXPECT_EQ(hist_count, kWriters * kPerWriter);
  EXPECT_EQ(errors, kWriters * expected_errors);
  EXPECT_GT(snapshots, 1);
}

TEST(Recorder, ToMicrosRoundsToNearest) {
  EXPECT_EQ(to_micros(1'499), 1);
  EXPECT_EQ(to_micros(1'500), 2);
  EXPECT_EQ(to_micros(0), 0);
}

}  // namespace
}  // namespace lg::metrics
