#include "harness/background/write_mix.hpp"

#include <utility>

namespace lg::background {

WriteMix::WriteMix(std::unique_ptr<exec::Executor> executor, Nanos graceful_stop)
    : executor_(std::move(executor)), graceful_stop_(graceful_stop) {
  executor_->open();
}

void WriteMix::start(Nanos t0) { executor_->begin(t0, true); }

void WriteMix::stop(StopMode mode) {
  executor_->stop(mode.planned && !mode.at_once ? mono_now() + graceful_stop_ : mono_now());
}

Health WriteMix::health() {
  const std::string failure = executor_->failure();
  return {failure.empty(), failure};
}

}  // namespace lg::background
