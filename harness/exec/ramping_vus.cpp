#include "harness/exec/ramping_vus.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace lg::exec {
namespace {

constexpr int kStopped = -1;

// Shared between the conductor and its VU threads for one run.
struct Control {
  explicit Control(std::size_t vus) : busy(vus) {}
  std::atomic<int> active{0};
  std::atomic<bool> recording{false};
  std::atomic<int> in_flight{0};
  std::vector<std::atomic<bool>> busy;  // per VU: inside an iteration
};

void vu_loop(Vu& vu, int index, Control& control) {
  auto& busy = control.busy[static_cast<std::size_t>(index)];
  for (;;) {
    const int active = control.active.load(std::memory_order_acquire);
    if (active == kStopped) return;
    if (index >= active) {
      control.active.wait(active, std::memory_order_acquire);
      continue;
    }
    control.in_flight.fetch_add(1, std::memory_order_relaxed);
    busy.store(true, std::memory_order_release);
    vu.iterate(control.recording.load(std::memory_order_acquire));
    busy.store(false, std::memory_order_release);
    control.in_flight.fetch_sub(1, std::memory_order_relaxed);
  }
}

// Sets the active VU count; returns the previous one.
int set_active(Control& control, int n) {
  const int old = control.active.exchange(n, std::memory_order_acq_rel);
  if (old != n) control.active.notify_all();
  return old;
}

// k6's gracefulRampDown: a VU removed by a ramp-down may finish its iteration, but one still
// running `grace` after its removal is cancelled (and its sample dropped, as k6 drops
// interrupted iterations).
class RampDownGuard {
 public:
  RampDownGuard(std::size_t vus, Nanos grace) : removed_at_(vus, 0), grace_(grace) {}
  void on_change(int old_active, int new_active, Nanos now) {
    for (int i = std::max(new_active, 0); i < old_active; ++i) removed_at_[i] = now;
  }
  void enforce(std::vector<std::unique_ptr<Vu>>& vus, const Control& control, Nanos now) {
    const int active = control.active.load();
    for (std::size_t i = static_cast<std::size_t>(std::max(active, 0)); i < vus.size(); ++i) {
      if (removed_at_[i] != 0 && now - removed_at_[i] > grace_ && control.busy[i].load()) {
        vus[i]->cancel();
        removed_at_[i] = 0;
      }
    }
  }

 private:
  std::vector<Nanos> removed_at_;
  Nanos grace_;
};

}  // namespace

int target_vus_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept {
  double from = spec.start_vus;
  Nanos stage_start = 0;
  for (const auto& stage : spec.stages) {
    if (t < stage_start + stage.duration) {
      const double frac =
          static_cast<double>(t - stage_start) / static_cast<double>(stage.duration);
      const double x = from + (stage.target - from) * frac;
      return static_cast<int>(stage.target >= from ? std::floor(x) : std::ceil(x));
    }
    from = stage.target;
    stage_start += stage.duration;
  }
  return static_cast<int>(from);
}

std::size_t stage_at(const scenario::ExecutorSpec& spec, Nanos t) noexcept {
  Nanos end = 0;
  for (std::size_t i = 0; i < spec.stages.size(); ++i) {
    end += spec.stages[i].duration;
    if (t < end) return i;
  }
  return spec.stages.empty() ? 0 : spec.stages.size() - 1;
}

bool RampingVusExecutor::run(std::vector<std::unique_ptr<Vu>>& vus, metrics::Recorder& recorder,
                             const RefreshTracker& refresh,
                             const std::function<void()>& on_measured_start,
                             const IntervalFn& on_interval) {
  Control control(vus.size());
  RampDownGuard ramp_down(vus.size(), spec_.graceful_ramp_down);
  std::vector<std::thread> threads;
  threads.reserve(vus.size());
  for (std::size_t i = 0; i < vus.size(); ++i) {
    threads.emplace_back(vu_loop, std::ref(*vus[i]), static_cast<int>(i), std::ref(control));
  }
  bool completed = true;
  if (spec_.warmup > 0) {
    set_active(control, static_cast<int>(vus.size()));
    completed = sleep_until_or_interrupt(mono_now() + spec_.warmup);
    recorder.collect();  // drop anything a shard holds from warmup
  }

  const Nanos total = spec_.total_duration();
  IntervalClock clock(spec_, mono_now(), recorder, refresh, on_interval);
  if (completed) {
    control.recording.store(true);
    set_active(control, target_vus_at(spec_, 0));
    if (on_measured_start) on_measured_start();
  }
  auto active_vus = [&] { return std::max(control.active.load(), 0); };
  while (completed) {
    if (interrupt_flag().load()) {
      completed = false;
      break;
    }
    const bool more = clock.tick(active_vus());
    const Nanos now = mono_now();
    const int target = target_vus_at(spec_, std::min(clock.elapsed(), total));
    ramp_down.on_change(set_active(control, target), target, now);
    ramp_down.enforce(vus, control, now);
    if (!more) break;
  }

  // Two-step stop: no new iterations, then cancel what is still running at graceful_stop.
  set_active(control, kStopped);
  const Nanos deadline = mono_now() + spec_.graceful_stop;
  while (control.in_flight.load() > 0 && mono_now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (control.in_flight.load() > 0) {
    for (auto& vu : vus) vu->cancel();
  }
  for (auto& th : threads) th.join();
  if (control.recording.load()) clock.finish(0);
  return completed;
}

}  // namespace lg::exec
