#include "harness/run/steps_plan.hpp"

#include <httplib.h>

#include <stdexcept>

#include "harness/db/connection.hpp"
#include "harness/driver/http_driver.hpp"

namespace lg::run {
namespace {

constexpr const char* kHide =
    "ALTER MATERIALIZED VIEW IF EXISTS loadgate_c.mv_product_search "
    "RENAME TO mv_product_search_offline";
constexpr const char* kRestore =
    "ALTER MATERIALIZED VIEW IF EXISTS loadgate_c.mv_product_search_offline "
    "RENAME TO mv_product_search";

// The rename needs an ACCESS EXCLUSIVE lock, so it queues behind a refresh in progress; a
// bounded wait keeps a stuck fault from hanging the run.
void run_ddl(const std::string& conninfo, const char* sql) {
  auto conn = db::Connection::open(conninfo);
  conn.exec("SET lock_timeout = '60s'");
  conn.exec(sql);
}

}  // namespace

void set_rollout_percent(const std::string& base_url, int percent) {
  const auto base = driver::parse_base_url(base_url);
  if (!base) throw std::runtime_error("bad base URL " + base_url);
  httplib::Client client(base->origin);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  const auto res = client.Post(base->prefix + "/admin/rollout",
                               "{\"percent\":" + std::to_string(percent) + "}", "application/json");
  if (!res) throw std::runtime_error("admin/rollout: " + httplib::to_string(res.error()));
  if (res->status != 200) {
    throw std::runtime_error("admin/rollout answered " + std::to_string(res->status));
  }
}

std::vector<background::TimedStep> plan_steps(const scenario::Scenario& s, char option,
                                              const std::string& base_url,
                                              const std::string& conninfo) {
  std::vector<background::TimedStep> steps;
  Nanos stage_start = 0;
  for (const auto& st : s.executor.stages) {
    if (st.mv_rollout_percent >= 0 && !base_url.empty()) {
      const int p = st.mv_rollout_percent;
      steps.push_back({stage_start, "mv_rollout_percent=" + std::to_string(p),
                       [base_url, p] { set_rollout_percent(base_url, p); }, false});
    }
    stage_start += st.duration;
  }
  if (option != 'C') return steps;
  for (const auto& f : s.faults) {
    steps.push_back({f.at, f.action + " begin", [conninfo] { run_ddl(conninfo, kHide); }, false});
    steps.push_back(
        {f.at + f.duration, f.action + " end", [conninfo] { run_ddl(conninfo, kRestore); }, true});
  }
  return steps;
}

}  // namespace lg::run
