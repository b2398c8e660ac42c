// Google Benchmark for the latency histogram (issue 3, item 7: record target <= 10 ns per value),
// its merge and percentile query, recording through a RecorderShard's phaser, and encoding one
// 1-second interval for the .hlog. Build with optimisation, e.g.
//   g++ -std=c++20 -O2 -I. bench/histogram_bench.cpp harness/metrics/{histogram,hlog,recorder,
//       series_stats}.cpp -lbenchmark -lpthread -lz
// The per_value counter (seconds per value) of BM_Record / BM_RecorderShardRecord is the figure to
// quote.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "harness/metrics/histogram.hpp"
#include "harness/metrics/hlog.hpp"
#include "harness/metrics/recorder.hpp"

namespace lg::metrics {
namespace {

constexpr std::size_t kStreamLen = 1 << 16;  // fits in L2; a power of two for cheap wrap-around
constexpr int kBatch = 1024;

// Query latencies in µs: log-normal around ~400 µs with a 1 % slow tail up to seconds.
std::vector<std::int64_t> latency_stream(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> body(std::log(400.0), 0.6);
  std::lognormal_distribution<double> tail(std::log(50'000.0), 1.5);
  std::bernoulli_distribution slow(0.01);
  std::vector<std::int64_t> out(n);
  for (auto& v : out) {
    v = std::min<std::int64_t>(std::llround(slow(rng) ? tail(rng) : body(rng)), 3'600'000'000);
  }
  return out;
}

Histogram populated(std::size_t n, unsigned seed) {
  Histogram h;
  for (std::int64_t v : latency_stream(n, seed)) h.record(v);
  return h;
}

void set_per_value(benchmark::State& state) {
  const auto values = static_cast<double>(state.iterations()) * kBatch;
  state.SetItemsProcessed(static_cast<std::int64_t>(values));
  // An inverted rate: seconds per value, printed with an SI prefix (e.g. "2.7n" = 2.7 ns).
  state.counters["per_value"] =
      benchmark::Counter(values, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Record(benchmark::State& state) {
  const auto stream = latency_stream(kStreamLen, 1);
  Histogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) h.record(stream[i++ & (kStreamLen - 1)]);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(h.count());
  set_per_value(state);
}
BENCHMARK(BM_Record);

void BM_RecorderShardRecord(benchmark::State& state) {
  const auto stream = latency_stream(kStreamLen, 2);
  RecorderShard shard(1);
  std::size_t i = 0;
  for (auto _ : state) {
    for (int k = 0; k < kBatch; ++k) shard.record(0, stream[i++ & (kStreamLen - 1)]);
    benchmark::ClobberMemory();
  }
  set_per_value(state);
}
BENCHMARK(BM_RecorderShardRecord);

// Merging one shard's 1-second interval (20,000 samples) into a run total.
void BM_Add(benchmark::State& state) {
  Histogram total = populated(1'000'000, 3);
  const Histogram interval = populated(20'000, 4);
  for (auto _ : state) {
    total.add(interval);
    benchmark::DoNotOptimize(total.count());
  }
}
BENCHMARK(BM_Add);

void BM_ValueAtPercentile(benchmark::State& state) {
  const Histogram h = populated(1'000'000, 5);
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_percentile(99.0));
}
BENCHMARK(BM_ValueAtPercentile);

// One .hlog line's payload: a 1-second interval at 20,000 queries/s.
void BM_EncodeCompressedV2(benchmark::State& state) {
  const Histogram h = populated(20'000, 6);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string z = encode_compressed_v2(h);
    bytes = z.size();
    benchmark::DoNotOptimize(z.data());
  }
  state.counters["encoded_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeCompressedV2);

}  // namespace
}  // namespace lg::metrics

BENCHMARK_MAIN();
