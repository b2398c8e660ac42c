#include "harness/db/calibration.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace lg::db {
namespace {

// One batch of a dependent chain of integer operations (splitmix64): every step needs the
// previous one, so neither the compiler nor the CPU can skip or overlap much of it, and its
// speed follows the core's clock and pipeline, which is what differs between two machines.
std::uint64_t cpu_batch(std::uint64_t x, int n) {
  for (int i = 0; i < n; ++i) {
    x += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    x ^= z ^ (z >> 31);
  }
  return x;
}

}  // namespace

Calibration calibrate(Connection& conn, Nanos cpu_budget, Nanos db_budget) {
  Calibration c;
  const Nanos start = mono_now();
  constexpr int kBatch = 1 << 16;
  std::int64_t batches = 0;
  std::uint64_t x = 42;
  Nanos t = mono_now();
  do {
    x = cpu_batch(x, kBatch);
    ++batches;
  } while ((t = mono_now()) - start < cpu_budget);
  // The result must be used, or the loop is dead code.
  volatile std::uint64_t sink = x;
  (void)sink;
  c.cpu_mops = static_cast<double>(batches) * kBatch / (static_cast<double>(t - start) / 1e3);

  std::vector<double> us;
  const Nanos db_start = mono_now();
  Nanos now = db_start;
  do {
    const Nanos before = mono_now();
    conn.query("SELECT 1");
    now = mono_now();
    us.push_back(static_cast<double>(now - before) / 1e3);
  } while (now - db_start < db_budget);
  c.statements_per_s = static_cast<double>(us.size()) / (static_cast<double>(now - db_start) / 1e9);
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(us.size() / 2), us.end());
  c.statement_p50_us = us[us.size() / 2];
  c.seconds = static_cast<double>(mono_now() - start) / 1e9;
  return c;
}

nlohmann::json to_json(const Calibration& c) {
  return {{"cpu_mops", c.cpu_mops},
          {"statements_per_s", c.statements_per_s},
          {"statement_p50_us", c.statement_p50_us},
          {"seconds", c.seconds}};
}

}  // namespace lg::db
