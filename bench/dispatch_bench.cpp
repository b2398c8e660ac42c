// Google Benchmark of the open model's dispatch: the arrival-rate executor on the event-driven
// engine driving VUs whose driver answers at once, so what is measured is loadgate's own
// dispatch (schedule, timer wake-up, hand-off to an idle VU) at a given arrival rate. Reported
// per rate: schedule lag p50/p99/max (actual start - intended start, µs), dropped iterations
// and the achieved rate. One iteration = a 2 s run; wall time is not the figure of merit, the
// counters are. Args: rate, engine threads.

#include <benchmark/benchmark.h>

#include <utility>

#include "datagen/product_gen.hpp"
#include "harness/exec/conductor.hpp"
#include "harness/exec/executor.hpp"
#include "harness/metrics/histogram.hpp"

namespace {

using namespace lg;

class NullDriver final : public driver::Driver {
 public:
  boost::asio::awaitable<void> open() override { co_return; }
  boost::asio::awaitable<driver::Outcome> execute(std::size_t, const driver::Params&) override {
    co_return driver::Outcome{};
  }
  void abandon() noexcept override {}
  void cancel() noexcept override {}
  std::int64_t reconnects() const noexcept override { return 0; }
};

constexpr Nanos kRunLength = 2 * kNanosPerSecond;

void BM_DispatchAtRate(benchmark::State& state) {
  const auto rate = static_cast<int>(state.range(0));
  scenario::ExecutorSpec spec;
  spec.type = "constant-arrival-rate";
  spec.start_rate = rate;
  spec.pre_allocated_vus = 16;
  spec.max_vus = 16;
  spec.stages = {{kRunLength, rate, "", {}, -1}};
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
  exec::WorkloadPlan plan;
  exec::StepPlan step;
  step.query = &query;
  plan.journeys.push_back({{step}, 1, exec::kNoSlot});
  plan.schedule_lag = 4;
  metrics::Histogram lag;
  std::int64_t dropped = 0, runs = 0;
  for (auto _ : state) {
    exec::Engine engine(static_cast<int>(state.range(1)));
    metrics::Recorder recorder(slots, static_cast<std::size_t>(engine.size()));
    exec::RefreshTracker tracker;
    const exec::VuFactory make_vu = [&](std::size_t v, int l) {
      return std::make_unique<exec::Vu>(
          std::make_unique<NullDriver>(), workload::ParamGenerator(data, 42, v),
          Rng::stream(42, "mix", v), Rng::stream(42, "think", v), engine.loop(l),
          recorder.shard(static_cast<std::size_t>(l)), plan, tracker);
    };
    const exec::ExecutionContext ctx{engine, make_vu, recorder, 5, 42};
    auto executor = exec::make_executor(spec, ctx);
    StopSource stop;
    exec::conduct(*executor, spec, recorder, tracker, stop.token(), nullptr,
                  [&](const exec::IntervalInfo&, std::vector<metrics::SlotData>&& d) {
                    lag.add(d[4].hist);
                    dropped += d[5].count;
                    runs += d[0].count;
                  });
    executor.reset();
    engine.stop();
  }
  state.counters["lag_p50_us"] = static_cast<double>(lag.value_at_percentile(50));
  state.counters["lag_p99_us"] = static_cast<double>(lag.value_at_percentile(99));
  state.counters["lag_max_us"] = static_cast<double>(lag.max());
  state.counters["dropped"] = static_cast<double>(dropped);
  state.counters["achieved_per_s"] =
      static_cast<double>(runs) /
      (static_cast<double>(kRunLength) / 1e9 * static_cast<double>(state.iterations()));
}
BENCHMARK(BM_DispatchAtRate)
    ->Args({1'000, 1})
    ->Args({10'000, 1})
    ->Args({30'000, 2})
    ->Args({50'000, 2})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
