#pragma once
// The write mix (`[writer]`) as a background activity: its own executor (open model, its own
// VUs on the run's event loops), begun at the measured start and stopped after the reads.

#include <memory>
#include <string>

#include "harness/background/activity.hpp"
#include "harness/exec/executor.hpp"

namespace lg::background {

/// Wraps the write mix's executor in the activity lifecycle.
class WriteMix : public Activity {
 public:
  /// Takes an executor made from `[writer.executor]` and opens its VUs now (throws what
  /// Executor::open throws). `graceful_stop` (ns) is the writes' grace at a planned end.
  WriteMix(std::unique_ptr<exec::Executor> executor, Nanos graceful_stop);
  std::string name() const override { return "write mix"; }
  /// Begins the measured writes at t0 (mono ns).
  void start(Nanos t0) override;
  /// Writes in flight get graceful_stop after a planned end, none otherwise.
  void stop(StopMode mode) override;
  /// Dead when one of its VU tasks died (Executor::failure).
  Health health() override;

 private:
  std::unique_ptr<exec::Executor> executor_;
  Nanos graceful_stop_;
};

}  // namespace lg::background
