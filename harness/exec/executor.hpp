#pragma once
// One interface for every executor (k6's lib/executor: a config that validates and plans, a
// runtime that runs): ramping-vus (closed model), constant-arrival-rate and
// ramping-arrival-rate (open model). Executors run their VUs on the engine's event loops; the
// conductor (conductor.hpp) drives any of them against the interval clock and a stop token.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/core/stop.hpp"
#include "harness/exec/engine.hpp"
#include "harness/exec/vu.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/scenario/model.hpp"

namespace lg::exec {

/// Makes VU number `index` for loop `loop` (its driver not yet open): the VU must use
/// engine.loop(loop) and that loop's recorder shard. Throws InputError for bad templates.
using VuFactory = std::function<std::unique_ptr<Vu>(std::size_t index, int loop)>;

/// What an executor needs from the run: where its VUs live and what they record into.
struct ExecutionContext {
  Engine& engine;
  VuFactory make_vu;
  /// Shard `l` is written by loop l's thread only: VUs and dispatchers of that loop share it.
  metrics::Recorder& recorder;
  /// Open model: counter slot of iterations no VU was free for (dropped_iterations).
  metrics::SlotId dropped = 0;
  std::uint64_t seed = 0;  ///< Poisson arrivals
  /// The run's stop: one requested while graceful_stop runs (a signal) ends it at once.
  StopToken stop{};
};

/// What an executor will need, from its spec alone (k6 GetExecutionRequirements).
struct ExecutionPlan {
  int initial_vus = 0;  ///< VUs (connections) opened before the start
  int max_vus = 0;      ///< most VUs it may ever hold
  Nanos duration = 0;   ///< the stages' planned length
  Nanos graceful_stop = 0;
};

/// What the two-step stop found.
struct StopReport {
  int interrupted = 0;   ///< iterations cut short at graceful_stop (not recorded)
  Nanos stopped_at = 0;  ///< mono ns when the last VU had stopped (before its cleanup)
};

/// The executor runtime. The conductor calls open(), begin() (warmup, then measured),
/// advance() every control tick, and stop(), all from one thread.
class Executor {
 public:
  virtual ~Executor() = default;
  /// Pure: what the executor needs.
  virtual ExecutionPlan plan() const = 0;
  /// Creates and connects the initial VUs, spread over the loops, several connections in
  /// flight per loop. Throws the first error a VU raised (InfraError, db::DbError).
  virtual void open() = 0;
  /// Starts iterating at t0 (mono ns). `measured` false: the warmup (ramping-vus: every VU;
  /// arrival-rate: the first stage's rate), not recorded. A later call replaces the warmup.
  virtual void begin(Nanos t0, bool measured) = 0;
  /// Control tick, `elapsed` ns after the measured t0: ramping-vus moves its VU count.
  virtual void advance(Nanos elapsed) = 0;
  /// VUs active (closed model) or busy (open model) now.
  virtual int vus() const = 0;
  /// Two-step stop (k6 gracefulStop): starts no more iterations, lets those in flight finish
  /// until `deadline` (mono ns), then abandons the rest at once, closing their connections (a
  /// PostgreSQL backend notices within a second, see PgDriver). Returns after every VU is
  /// closed. Idempotent.
  virtual StopReport stop(Nanos deadline) = 0;
  /// "" while every VU task runs as it should; else the first error one of them threw outside
  /// an operation (an operation's failure is a sample with its error class, never this). A VU
  /// task that died is work the run no longer does: the run stops on it, incomplete.
  virtual std::string failure() const = 0;
};

/// Problems with `spec` as an executor config, each "field: message" (empty when valid).
std::vector<std::string> validate(const scenario::ExecutorSpec& spec);
/// The plan of `spec` (pure).
ExecutionPlan plan_of(const scenario::ExecutorSpec& spec);
/// The k6 names of the registered executors, sorted.
std::vector<std::string> executor_types();
/// The executor registered for spec.type (throws std::invalid_argument for an unknown type,
/// which validate() reports first). `spec` and `ctx` must outlive it.
std::unique_ptr<Executor> make_executor(const scenario::ExecutorSpec& spec,
                                        const ExecutionContext& ctx);

}  // namespace lg::exec
