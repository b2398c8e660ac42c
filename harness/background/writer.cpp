#include "harness/background/writer.hpp"

#include <cmath>

namespace lg::background {

Writer::Writer(const std::string& conninfo, const std::string& write_sql, double rate_per_s,
               workload::ParamGenerator params, metrics::RecorderShard& shard, metrics::SlotId slot)
    : driver_(conninfo, {{"update_price_stock", write_sql}}),
      period_(static_cast<Nanos>(std::llround(1e9 / rate_per_s))),
      params_(std::move(params)),
      shard_(shard),
      slot_(slot) {}

void Writer::start(Nanos t0) {
  thread_.start(t0, period_, [this](std::int64_t) { return write_once(); });
}

bool Writer::write_once() {
  params_.next_write_into(values_);
  const Nanos start = mono_now();
  const auto outcome = driver_.execute(0, values_);
  const bool failed = outcome.error != driver::ErrorClass::kNone;
  shard_.record(slot_, metrics::to_micros(mono_now() - start), failed);
  ++writes_;
  if (failed) ++failures_;
  return true;
}

}  // namespace lg::background
