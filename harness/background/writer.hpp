#pragma once
// The writer: updates price and stock of random products on the option's write path
// (A: products; B and C: custom_posts) at a fixed rate, so refreshes have work to do.
// Each write is recorded as sql_duration{kind:write,query:update_price_stock}.

#include <string>

#include "harness/background/activity.hpp"
#include "harness/driver/pg_driver.hpp"
#include "harness/metrics/recorder.hpp"
#include "harness/workload/params.hpp"

namespace lg::background {

class Writer {
 public:
  /// Connects and prepares `write_sql` ($1 id, $2 price, $3 stock). Throws InfraError/DbError.
  Writer(const std::string& conninfo, const std::string& write_sql, double rate_per_s,
         workload::ParamGenerator params, metrics::RecorderShard& shard, metrics::SlotId slot);
  /// Writes at t0 + k/rate for k = 0, 1, ...
  void start(Nanos t0);
  void stop() { thread_.stop(); }
  std::int64_t writes() const noexcept { return writes_; }
  std::int64_t failures() const noexcept { return failures_; }

 private:
  bool write_once();

  driver::PgDriver driver_;
  Nanos period_;
  workload::ParamGenerator params_;
  metrics::RecorderShard& shard_;
  metrics::SlotId slot_;
  driver::Params values_;
  std::atomic<std::int64_t> writes_{0};
  std::atomic<std::int64_t> failures_{0};
  PeriodicThread thread_;
};

}  // namespace lg::background
