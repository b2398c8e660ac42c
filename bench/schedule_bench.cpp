// Google Benchmark of the open model's scheduler: the cost of computing the next intended
// start (the dispatcher's per-arrival work before it hands the iteration to a VU).

#include <benchmark/benchmark.h>

#include "harness/exec/arrival_schedule.hpp"

namespace {

using lg::exec::ArrivalPattern;
using lg::exec::ArrivalSchedule;

// A long ramping schedule, so next() never runs out during the benchmark.
ArrivalSchedule make(ArrivalPattern pattern) {
  return ArrivalSchedule(
      1'000, lg::kNanosPerSecond,
      {{3600 * lg::kNanosPerSecond, 100'000.0}, {3600 * lg::kNanosPerSecond, 100'000.0}}, pattern,
      42);
}

void BM_NextEven(benchmark::State& state) {
  auto schedule = make(ArrivalPattern::kEven);
  for (auto _ : state) benchmark::DoNotOptimize(schedule.next());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NextEven);

void BM_NextPoisson(benchmark::State& state) {
  auto schedule = make(ArrivalPattern::kPoisson);
  for (auto _ : state) benchmark::DoNotOptimize(schedule.next());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NextPoisson);

}  // namespace

BENCHMARK_MAIN();
