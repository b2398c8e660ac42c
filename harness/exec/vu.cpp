#include "harness/exec/vu.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cmath>

namespace lg::exec {
namespace {

std::chrono::steady_clock::time_point to_time_point(Nanos mono) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::nanoseconds(mono)));
}

}  // namespace

std::size_t WorkloadPlan::pick(Rng& rng) const noexcept {
  if (journeys.size() == 1) return 0;
  const auto total = journeys.back().cumulative_weight;
  const auto r = static_cast<std::uint64_t>(rng.uniform(0, static_cast<std::int64_t>(total) - 1));
  auto it = std::upper_bound(
      journeys.begin(), journeys.end(), r,
      [](std::uint64_t v, const JourneyPlan& j) { return v < j.cumulative_weight; });
  return static_cast<std::size_t>(it - journeys.begin());
}

Nanos draw_think(const scenario::ThinkTime& t, Rng& rng) noexcept {
  using Kind = scenario::ThinkTime::Kind;
  switch (t.kind) {
    case Kind::kConstant:
      return t.a;
    case Kind::kUniform:
      return rng.uniform(t.a, t.b);
    case Kind::kExponential:
      return static_cast<Nanos>(std::llround(rng.exponential(static_cast<double>(t.a))));
    case Kind::kNone:
      break;
  }
  return 0;
}

Vu::Vu(std::unique_ptr<driver::Driver> driver, workload::ParamGenerator params, Rng mix_rng,
       Rng think_rng, asio::io_context& loop, metrics::RecorderShard& shard,
       const WorkloadPlan& plan, const RefreshTracker& refresh)
    : driver_(std::move(driver)),
      params_(std::move(params)),
      mix_rng_(mix_rng),
      think_rng_(think_rng),
      loop_(loop),
      think_timer_(loop),
      shard_(shard),
      plan_(plan),
      refresh_(refresh) {}

void Vu::interrupt() noexcept {
  interrupted_.store(true, std::memory_order_release);
  driver_->cancel();
  asio::post(loop_, [this] { think_timer_.cancel(); });
}

void Vu::abandon() noexcept {
  abandoned_ = true;
  driver_->abandon();
  think_timer_.cancel();
}

asio::awaitable<bool> Vu::think(Nanos deadline) {
  think_timer_.expires_at(to_time_point(deadline));
  boost::system::error_code ec;
  co_await think_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !abandoned_ && !interrupted_.load(std::memory_order_acquire);
}

void Vu::record_step(const StepPlan& st, const driver::Outcome& outcome, Nanos from, Nanos start,
                     Nanos end, std::uint64_t refresh_before) noexcept {
  const bool during_refresh = RefreshTracker::overlapped(refresh_before, refresh_.read());
  const bool failed = outcome.error != ErrorClass::kNone;
  const auto source = std::min(static_cast<std::size_t>(outcome.source), plan_.sources - 1);
  shard_.record(st.slot(source, false, during_refresh), metrics::to_micros(end - from),
                outcome.error);
  shard_.record(st.slot(source, true, during_refresh), metrics::to_micros(end - start),
                outcome.error);
  if (!failed && plan_.view_age &&
      (plan_.sources == 1 || outcome.source == driver::ReadSource::kMv)) {
    shard_.record(*plan_.view_age, metrics::to_micros(refresh_.view_age(start)));
  }
  // A check judges a response: an operation that got none fails every check it carries.
  const bool answered = outcome.status != 0 || plan_.sources == 1;
  if (st.status_check != kNoSlot) shard_.rate(st.status_check, outcome.status == st.checks.status);
  if (st.body_check != kNoSlot) {
    shard_.rate(st.body_check,
                answered && driver_->body().find(st.checks.body) != std::string_view::npos);
  }
  if (st.duration_check != kNoSlot) {
    shard_.rate(st.duration_check, !failed && end - from <= st.checks.max_duration);
  }
}

asio::awaitable<void> Vu::iterate(bool record, std::optional<Nanos> intended) {
  interrupted_.store(false, std::memory_order_relaxed);
  abandoned_ = false;
  const JourneyPlan& journey = plan_.journeys[plan_.pick(mix_rng_)];
  const Nanos iteration_start = intended.value_or(mono_now());
  std::optional<Nanos> step_intended = intended;
  ErrorClass iteration_error = ErrorClass::kNone;  // the first step that failed decides
  for (const StepPlan& st : journey.steps) {
    params_.next_into(*st.query, values_);
    const auto refresh_before = refresh_.read();
    const Nanos start = mono_now();
    const auto outcome = co_await driver_->execute(st.operation, values_);
    const Nanos end = mono_now();
    if (abandoned_ ||
        (interrupted_.load(std::memory_order_acquire) && outcome.error == ErrorClass::kCanceled)) {
      co_return;
    }
    if (outcome.error != ErrorClass::kNone && iteration_error == ErrorClass::kNone) {
      iteration_error = outcome.error;
    }
    if (record) {
      if (outcome.lost) shard_.count(plan_.connections_lost);
      if (outcome.reconnected) shard_.count(plan_.reconnects);
      record_step(st, outcome, step_intended.value_or(start), start, end, refresh_before);
      if (intended && &st == &journey.steps.front()) {
        shard_.record(plan_.schedule_lag,
                      metrics::to_micros(std::max<Nanos>(0, start - *intended)));
      }
    }
    step_intended.reset();
    if (st.think.kind == scenario::ThinkTime::Kind::kNone) continue;
    // The next step is due when the think time ends; a late wake-up is the generator's lag,
    // and counts in that step's duration rather than vanishing (no coordinated omission).
    const Nanos due = end + draw_think(st.think, think_rng_);
    if (!co_await think(due)) co_return;
    step_intended = due;
  }
  if (record && journey.iteration_duration != kNoSlot) {
    shard_.record(journey.iteration_duration, metrics::to_micros(mono_now() - iteration_start),
                  iteration_error);
  }
}

}  // namespace lg::exec
