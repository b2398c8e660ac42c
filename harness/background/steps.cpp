#include "harness/background/steps.hpp"

#include <algorithm>
#include <chrono>

namespace lg::background {

StepRunner::StepRunner(std::vector<TimedStep> steps) : steps_(std::move(steps)) {
  std::stable_sort(steps_.begin(), steps_.end(),
                   [](const TimedStep& a, const TimedStep& b) { return a.at < b.at; });
}

void StepRunner::start(Nanos t0) {
  t0_ = t0;
  if (!steps_.empty()) thread_ = std::thread([this] { loop(); });
}

void StepRunner::run_step(const TimedStep& s) {
  StepEvent e{s.what, static_cast<double>(mono_now() - t0_) / 1e9, true, ""};
  try {
    s.action();
  } catch (const std::exception& ex) {
    e.ok = false;
    e.error = ex.what();
  }
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back(std::move(e));
}

void StepRunner::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (next_ < steps_.size()) {
    const Nanos due = t0_ + steps_[next_].at;
    if (cv_.wait_for(lock, std::chrono::nanoseconds(std::max<Nanos>(0, due - mono_now())),
                     [&] { return stop_; })) {
      break;
    }
    if (mono_now() < due) continue;  // spurious wake-up
    const TimedStep& s = steps_[next_++];
    lock.unlock();
    run_step(s);
    lock.lock();
  }
}

void StepRunner::stop(StopMode) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // An undo step whose "do" already ran must still run, or the fault would outlive the run.
  for (; next_ < steps_.size(); ++next_) {
    if (steps_[next_].undo) run_step(steps_[next_]);
  }
}

std::vector<StepEvent> StepRunner::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

}  // namespace lg::background
