// Quick mode on Google Benchmark: every query × option as a benchmark against an embedded
// PostgreSQL with one connection, parameters from loadgate's generators (the same seeded
// streams as a run). Google Benchmark supplies the repetitions and aggregates
// (--benchmark_repetitions=5, --benchmark_format=json, which `loadgate compare` reads).
// After the run it prints the mean per query and option beside the figures of the schema study
// loadgate was built to repeat (the kStudy table below) for the three queries it timed; with
// JSON output that table goes to stderr so stdout stays valid JSON. Ours are client-observed
// round trips over a unix socket (real time); the study's are server-side execution times, so
// ours carry ~20-40 µs more.
// Env: LOADGATE_QUICK_PRODUCTS (default 10000), LOADGATE_QUICK_OPTIONS (comma-separated option
// names, default A,B,C).
// Benchmark names: <query>/<option>, e.g. sku_lookup/C; time unit µs.

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "datagen/product_gen.hpp"
#include "harness/db/cluster.hpp"
#include "harness/db/connection.hpp"
#include "harness/db/guard.hpp"
#include "harness/driver/pg_driver.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/run/dataset.hpp"
#include "harness/run/run.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/params.hpp"

namespace {

using namespace lg;
namespace asio = boost::asio;

constexpr std::uint64_t kSeed = 42;

// The schema study's single-query execution times in ms (server-side EXPLAIN ANALYZE), 10K
// products: the figures loadgate was built to reproduce under load.
const std::map<std::string, std::map<std::string, double>> kStudy = {
    {"sku_lookup", {{"A", 0.067}, {"B", 0.077}, {"C", 0.036}}},
    {"price_range_in_stock", {{"A", 0.436}, {"B", 2.900}, {"C", 0.294}}},
    {"category_page", {{"A", 0.145}, {"B", 0.062}, {"C", 0.093}}},
};

struct Env {
  std::unique_ptr<db::EmbeddedCluster> cluster;
  std::unique_ptr<datagen::ProductGenerator> gen;
  workload::Catalog catalog;
};

// The timed loop runs inside a coroutine on a private event loop, the way a VU drives the
// driver, so the figure includes exactly the engine's per-query cost.
asio::awaitable<void> timed_loop(benchmark::State& state, driver::PgDriver& drv,
                                 workload::ParamGenerator& params, const workload::QuerySpec* q,
                                 std::int64_t& errors) {
  co_await drv.open();
  driver::Params values;
  // Drawing parameters (well under 1 µs) stays inside the timed loop: pausing the timer per
  // iteration would cost more than it removes.
  for (auto _ : state) {
    params.next_into(*q, values);
    const auto outcome = co_await drv.execute(0, values);
    errors += outcome.error == driver::ErrorClass::kNone ? 0 : 1;
  }
}

void bench_query(benchmark::State& state, const Env* env, const workload::QuerySpec* q) {
  asio::io_context loop(1);
  const std::vector<driver::Statement> statements = {{q->name, q->sql}};
  driver::PgDriver drv(loop, env->cluster->dsn(), statements);
  workload::ParamGenerator params(*env->gen, kSeed, 0);
  std::int64_t errors = 0;
  std::exception_ptr failure;
  asio::co_spawn(loop, timed_loop(state, drv, params, q, errors),
                 [&](std::exception_ptr e) { failure = e; });
  loop.run();
  if (failure) std::rethrow_exception(failure);
  // A failing query must not pass for a fast one (and a constant-zero counter would make Google
  // Benchmark print NaN for its cv aggregate).
  if (errors > 0) state.SkipWithError((std::to_string(errors) + " executions failed").c_str());
}

// Keeps every run's mean real time (µs) per benchmark name while the chosen reporter prints.
template <typename Base>
class Collecting : public Base {
 public:
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    for (const auto& r : runs) {
      const bool mean = r.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate &&
                        r.aggregate_name == "mean";
      const bool single =
          r.run_type == benchmark::BenchmarkReporter::Run::RT_Iteration && r.repetitions <= 1;
      if (mean || single) means_us[r.run_name.function_name] = r.GetAdjustedRealTime();
    }
    Base::ReportRuns(runs);
  }
  std::map<std::string, double> means_us;
};

void print_study_table(std::FILE* out, const std::map<std::string, double>& means_us,
                       const std::vector<std::string>& options) {
  std::fprintf(out, "\nmean single-query time, ms (loadgate quick mode | original study)\n");
  std::fprintf(out, "%-22s", "query");
  for (const auto& o : options) std::fprintf(out, " %9s", o.c_str());
  for (const auto& o : options) std::fprintf(out, " %9s", ("study " + o).c_str());
  std::fprintf(out, "\n");
  for (const auto& [query, study] : kStudy) {
    std::fprintf(out, "%-22s", query.c_str());
    for (const auto& o : options) {
      const auto it = means_us.find(query + "/" + o);
      if (it == means_us.end()) {
        std::fprintf(out, " %9s", "-");
      } else {
        std::fprintf(out, " %9.3f", it->second / 1000.0);
      }
    }
    for (const auto& o : options) {
      const auto it = study.find(o);
      std::fprintf(out, " %9.3f", it == study.end() ? 0.0 : it->second);
    }
    std::fprintf(out, "\n");
  }
}

std::unique_ptr<Env> prepare(std::int64_t products, const std::vector<std::string>& names) {
  auto env = std::make_unique<Env>();
  const auto options =
      option::select(run::load_options(run::default_sql_dir()), names, "LOADGATE_QUICK_OPTIONS");
  env->catalog = workload::Catalog::load(options);
  db::ClusterOptions co;
  co.max_connections = 32;
  env->cluster = db::EmbeddedCluster::start(co);
  env->gen = std::make_unique<datagen::ProductGenerator>(kSeed, products);
  auto conn = db::Connection::open(env->cluster->dsn());
  db::ensure_marked(conn, true, "embedded");
  run::build_dataset(conn, options, *env->gen);
  return env;
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--benchmark_format=json") == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const char* p = std::getenv("LOADGATE_QUICK_PRODUCTS");
  const std::int64_t products = p != nullptr ? std::atoll(p) : 10'000;
  const char* o = std::getenv("LOADGATE_QUICK_OPTIONS");
  std::vector<std::string> options;
  std::stringstream list(o != nullptr ? o : "A,B,C");
  for (std::string name; std::getline(list, name, ',');) {
    if (!name.empty()) options.push_back(name);
  }
  const bool json = wants_json(argc, argv);
  benchmark::Initialize(&argc, argv);
  std::unique_ptr<Env> env;
  try {
    env = prepare(products, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "schema_bench: %s\n", e.what());
    return 3;
  }
  for (const auto& name : env->catalog.names(options.front())) {
    for (const auto& opt : options) {
      const auto* q = &env->catalog.query(opt, name);
      benchmark::RegisterBenchmark((name + "/" + opt).c_str(), bench_query, env.get(), q)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  std::map<std::string, double> means;
  if (json) {
    Collecting<benchmark::JSONReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    means = reporter.means_us;
  } else {
    Collecting<benchmark::ConsoleReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    means = reporter.means_us;
  }
  print_study_table(json ? stderr : stdout, means, options);
  benchmark::Shutdown();
  return 0;
}
