#include "harness/exec/executor.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "harness/exec/arrival_rate.hpp"
#include "harness/exec/ramping_vus.hpp"

namespace lg::exec {

std::vector<std::string> validate(const scenario::ExecutorSpec& spec) {
  std::vector<std::string> errors;
  if (spec.stages.empty()) errors.push_back("stages: needs at least one stage");
  if (spec.open_model()) {
    if (spec.pre_allocated_vus < 1) errors.push_back("pre_allocated_vus: must be at least 1");
    if (spec.max_vus != 0 && spec.max_vus < spec.pre_allocated_vus) {
      errors.push_back("max_vus: must be at least pre_allocated_vus");
    }
    if (spec.time_unit <= 0) errors.push_back("time_unit: must be positive");
  }
  const auto types = executor_types();
  if (std::find(types.begin(), types.end(), spec.type) == types.end()) {
    errors.push_back("type: unknown executor \"" + spec.type + "\"");
  }
  for (std::size_t i = 0; i < spec.stages.size(); ++i) {
    if (spec.stages[i].duration < 0) {
      errors.push_back("stages[" + std::to_string(i) + "].duration: must not be negative");
    }
  }
  return errors;
}

ExecutionPlan plan_of(const scenario::ExecutorSpec& spec) {
  ExecutionPlan p;
  p.max_vus = spec.peak_vus();
  p.initial_vus = spec.open_model() ? spec.pre_allocated_vus : p.max_vus;
  p.duration = spec.total_duration();
  p.graceful_stop = spec.graceful_stop;
  return p;
}

namespace {

using Factory = std::unique_ptr<Executor> (*)(const scenario::ExecutorSpec&,
                                              const ExecutionContext&);

template <class E>
std::unique_ptr<Executor> make(const scenario::ExecutorSpec& spec, const ExecutionContext& ctx) {
  return std::make_unique<E>(spec, ctx);
}

// The executors by k6 name: a new executor is one file and one line here.
const std::map<std::string, Factory>& registry() {
  static const std::map<std::string, Factory> executors = {
      {"ramping-vus", &make<RampingVusExecutor>},
      {"constant-arrival-rate", &make<ArrivalRateExecutor>},
      {"ramping-arrival-rate", &make<ArrivalRateExecutor>},
  };
  return executors;
}

}  // namespace

std::vector<std::string> executor_types() {
  std::vector<std::string> out;
  for (const auto& [name, factory] : registry()) out.push_back(name);
  return out;
}

std::unique_ptr<Executor> make_executor(const scenario::ExecutorSpec& spec,
                                        const ExecutionContext& ctx) {
  const auto it = registry().find(spec.type);
  if (it == registry().end()) {
    throw std::invalid_argument("unknown executor \"" + spec.type + "\"");
  }
  return it->second(spec, ctx);
}

}  // namespace lg::exec
