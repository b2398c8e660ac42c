// Google Benchmark of the open model's hand-off: the arrival-rate executor driving VUs whose
// driver does nothing, so what is measured is loadgate's own dispatch (schedule, hand-off lead,
// VU wake-up) at a given arrival rate. Reported per rate: schedule lag p50/p99/max (actual
// start - intended start, µs), dropped iterations and the achieved rate. One iteration = a 2 s
// run; wall time is not the figure of merit, the counters are.

#include <benchmark/benchmark.h>

#include "datagen/product_gen.hpp"
#include "harness/exec/arrival_rate.hpp"
#include "harness/metrics/histogram.hpp"

namespace {

using namespace lg;

class NullDriver final : public driver::Driver {
 public:
  driver::Outcome execute(std::size_t, const driver::Params&) noexcept override { return {}; }
  void cancel() noexcept override {}
  std::int64_t reconnects() const noexcept override { return 0; }
};

void BM_DispatchAtRate(benchmark::State& state) {
  const auto rate = static_cast<int>(state.range(0));
  scenario::ExecutorSpec spec;
  spec.type = "constant-arrival-rate";
  spec.start_rate = rate;
  spec.pre_allocated_vus = 8;
  spec.max_vus = 8;
  spec.stages = {{2 * kNanosPerSecond, rate, "", {}}};
  const std::vector<metrics::SlotSpec> slots = {
      {"sql_duration", metrics::MetricKind::kTrend, {}},
      {"sql_duration", metrics::MetricKind::kTrend, {}},
      {"sql_service_time", metrics::MetricKind::kTrend, {}},
      {"sql_service_time", metrics::MetricKind::kTrend, {}},
      {"schedule_lag", metrics::MetricKind::kTrend, {}},
      {"dropped_iterations", metrics::MetricKind::kCounter, {}}};
  const datagen::ProductGenerator data(42, 1000);
  workload::QuerySpec query;
  query.name = "noop";
  exec::MixPlan mix;
  mix.items.push_back({&query, 0, 1, 0});
  mix.schedule_lag = 4;
  metrics::Histogram lag;
  std::int64_t dropped = 0, runs = 0;
  for (auto _ : state) {
    metrics::Recorder recorder(slots, 9);
    exec::RefreshTracker tracker;
    const exec::VuFactory make_vu = [&](std::size_t v) {
      return std::make_unique<exec::Vu>(std::make_unique<NullDriver>(),
                                        workload::ParamGenerator(data, 42, v),
                                        Rng::stream(42, "mix", v), recorder.shard(v), mix, tracker);
    };
    exec::ArrivalRateExecutor executor(spec, 42, recorder.shard(8), 5);
    executor.run(make_vu, recorder, tracker, nullptr,
                 [&](const exec::IntervalInfo&, std::vector<metrics::SlotData>&& data) {
                   lag.add(data[4].hist);
                   dropped += data[5].count;
                   runs += data[0].count;
                 });
  }
  state.counters["lag_p50_us"] = static_cast<double>(lag.value_at_percentile(50));
  state.counters["lag_p99_us"] = static_cast<double>(lag.value_at_percentile(99));
  state.counters["lag_max_us"] = static_cast<double>(lag.max());
  state.counters["dropped"] = static_cast<double>(dropped);
  state.counters["achieved_per_s"] =
      static_cast<double>(runs) / (2.0 * static_cast<double>(state.iterations()));
}
BENCHMARK(BM_DispatchAtRate)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(50'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
