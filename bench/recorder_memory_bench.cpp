// Resident memory of a run's recorder when latencies are slow and spread out (issue 6: the first
// 1M run held 1.84 GB with 128 VUs). Each shard (a VU) records a few samples per slot per 1 s
// interval, log-uniform from 1 ms to 30 s, and the collector drains every shard each interval,
// as in a saturated run. Reported counters: resident MiB added by the recorder after the given
// number of intervals (resident_MiB) and per shard (per_shard_KiB). Build with the project
// (target recorder_memory_bench) and run e.g.
//   build/recorder_memory_bench --benchmark_filter='/128/'
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <vector>

#include "harness/metrics/recorder.hpp"

namespace lg::metrics {
namespace {

constexpr int kSlots = 40;  // a scale-1m option: 8 reads x 4, writes, lag, refresh, staleness, age
constexpr int kSamplesPerSlot = 2;

std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE));
}

void BM_RecorderResidentMemory(benchmark::State& state) {
  const auto shards = static_cast<std::size_t>(state.range(0));
  const auto intervals = static_cast<int>(state.range(1));
  for (auto _ : state) {
    const std::int64_t before = resident_bytes();
    std::vector<SlotSpec> specs(kSlots);
    Recorder recorder(specs, shards);
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> log_us(std::log(1'000.0), std::log(30'000'000.0));
    std::int64_t peak = 0;
    for (int i = 0; i < intervals; ++i) {
      for (std::size_t s = 0; s < shards; ++s) {
        for (SlotId slot = 0; slot < kSlots; ++slot) {
          for (int k = 0; k < kSamplesPerSlot; ++k) {
            recorder.shard(s).record(slot, std::llround(std::exp(log_us(rng))));
          }
        }
      }
      auto data = recorder.collect();
      benchmark::DoNotOptimize(data);
      peak = std::max(peak, resident_bytes() - before);
    }
    state.counters["resident_MiB"] = static_cast<double>(resident_bytes() - before) / 1048576.0;
    state.counters["peak_MiB"] = static_cast<double>(peak) / 1048576.0;
    state.counters["per_shard_KiB"] =
        static_cast<double>(peak) / 1024.0 / static_cast<double>(shards);
  }
}
BENCHMARK(BM_RecorderResidentMemory)
    ->Args({16, 60})
    ->Args({128, 60})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lg::metrics

BENCHMARK_MAIN();
