#include "harness/background/activity.hpp"

#include <chrono>

namespace lg::background {

void PeriodicThread::start(Nanos t0, Nanos period, std::function<bool(std::int64_t)> tick) {
  tick_ = std::move(tick);
  stop_ = false;
  died_.clear();
  thread_ = std::thread([this, t0, period] { loop(t0, period); });
}

void PeriodicThread::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string PeriodicThread::died() const {
  std::lock_guard lock(mu_);
  return died_;
}

void PeriodicThread::loop(Nanos t0, Nanos period) {
  try {
    run(t0, period);
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    died_ = e.what();
  } catch (...) {
    std::lock_guard lock(mu_);
    died_ = "unknown error";
  }
}

void PeriodicThread::run(Nanos t0, Nanos period) {
  std::int64_t k = 0;
  for (;;) {
    const Nanos due = t0 + k * period;
    {
      std::unique_lock lock(mu_);
      const auto wait = std::chrono::nanoseconds(std::max<Nanos>(0, due - mono_now()));
      if (cv_.wait_for(lock, wait, [this] { return stop_; })) return;
    }
    if (!tick_(k)) return;
    // Slots that passed while the tick ran collapse into one that is due at once.
    k = std::max(k + 1, (mono_now() - t0) / period);
  }
}

}  // namespace lg::background
