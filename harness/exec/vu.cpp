#include "harness/exec/vu.hpp"

#include <algorithm>

namespace lg::exec {

std::size_t MixPlan::pick(Rng& rng) const noexcept {
  const auto total = items.back().cumulative_weight;
  const auto r = static_cast<std::uint64_t>(rng.uniform(0, static_cast<std::int64_t>(total) - 1));
  auto it = std::upper_bound(items.begin(), items.end(), r, [](std::uint64_t v, const MixItem& m) {
    return v < m.cumulative_weight;
  });
  return static_cast<std::size_t>(it - items.begin());
}

Vu::Vu(std::unique_ptr<driver::Driver> driver, workload::ParamGenerator params, Rng mix_rng,
       metrics::RecorderShard& shard, const MixPlan& mix, const RefreshTracker& refresh)
    : driver_(std::move(driver)),
      params_(std::move(params)),
      mix_rng_(mix_rng),
      shard_(shard),
      mix_(mix),
      refresh_(refresh) {}

void Vu::iterate(bool record) noexcept { run(record, std::nullopt); }

void Vu::iterate_at(bool record, Nanos intended) noexcept { run(record, intended); }

void Vu::run(bool record, std::optional<Nanos> intended) noexcept {
  const MixItem& item = mix_.items[mix_.pick(mix_rng_)];
  params_.next_into(*item.query, values_);
  const auto refresh_before = refresh_.read();
  const Nanos start = mono_now();
  const auto outcome = driver_->execute(item.operation, values_);
  const Nanos end = mono_now();
  const bool interrupted =
      cancel_requested_.exchange(false) && outcome.error == driver::ErrorClass::kCanceled;
  if (!record || interrupted) return;
  const bool during_refresh = RefreshTracker::overlapped(refresh_before, refresh_.read());
  const bool failed = outcome.error != driver::ErrorClass::kNone;
  const Nanos from = intended.value_or(start);
  const auto source = std::min(static_cast<std::size_t>(outcome.source), mix_.sources - 1);
  shard_.record(item.slot(source, false, during_refresh), metrics::to_micros(end - from), failed);
  shard_.record(item.slot(source, true, during_refresh), metrics::to_micros(end - start), failed);
  if (intended) {
    shard_.record(mix_.schedule_lag, metrics::to_micros(std::max<Nanos>(0, start - *intended)),
                  false);
  }
  if (mix_.view_age && (mix_.sources == 1 || outcome.source == driver::ReadSource::kMv)) {
    shard_.record(*mix_.view_age, metrics::to_micros(refresh_.view_age(start)), false);
  }
}

}  // namespace lg::exec
