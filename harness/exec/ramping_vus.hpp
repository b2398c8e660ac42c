#pragma once
// k6's ramping-vus executor (closed model): the number of looping VUs follows the stages,
// ramping linearly from the previous stage's target. Every VU is a coroutine on one of the
// engine's loops (VU i on loop i mod L); an inactive VU waits without a thread.

#include <atomic>
#include <memory>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/exec/executor.hpp"
#include "harness/exec/vu_host.hpp"

namespace lg::exec {

/// VUs that should be active t ns after the measured start (pure). Within a stage the count
/// follows the line from the previous target and changes when the line crosses an integer
/// (floor while ramping up, ceil while ramping down). After the last stage: its target.
int target_vus_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept;

/// Index of the stage active at t (the last stage once t is past the end).
std::size_t stage_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept;

class RampingVusExecutor final : public Executor {
 public:
  RampingVusExecutor(const scenario::ExecutorSpec& spec, const ExecutionContext& ctx);
  ~RampingVusExecutor() override;

  ExecutionPlan plan() const override { return plan_of(spec_); }
  /// Creates and opens the stages' peak number of VUs.
  void open() override;
  /// Warmup: every VU loops, unrecorded. Measured: start_vus loop, recorded.
  void begin(Nanos t0, bool measured) override;
  /// Moves the active VU count to the stages' target; a VU removed by a ramp-down finishes its
  /// iteration, but one still running graceful_ramp_down after its removal is interrupted
  /// (k6's gracefulRampDown) and its iteration not recorded.
  void advance(Nanos elapsed) override;
  int vus() const override { return active_.load(std::memory_order_relaxed); }
  StopReport stop(Nanos deadline) override;
  std::string failure() const override { return errors_.message(); }

 private:
  // Loop-thread state: only loop l's thread touches loops_[l].
  struct LoopState {
    std::vector<HostedVu*> members;  // this loop's VUs, by index
    int active = 0;
    bool recording = false;
    bool stopping = false;
  };
  asio::awaitable<void> run_vu(HostedVu& h, LoopState& ls);
  void set_active(int n);

  const scenario::ExecutorSpec& spec_;
  const ExecutionContext& ctx_;
  std::vector<std::unique_ptr<HostedVu>> vus_;
  std::vector<LoopState> loops_;
  std::vector<Nanos> removed_at_;  // conductor thread: when a ramp-down removed VU i (0: not)
  std::atomic<int> active_{0};
  std::atomic<int> running_{0};  // VU coroutines alive
  FirstError errors_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace lg::exec
