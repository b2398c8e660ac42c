#include "harness/run/steps_plan.hpp"

#include <httplib.h>

#include <stdexcept>

#include "harness/db/connection.hpp"
#include "harness/driver/http_driver.hpp"

namespace lg::run {
namespace {

// The view renamed away ("hide") and back ("restore"); `view` is schema-qualified.
struct ViewRename {
  std::string hide, restore;
};

ViewRename view_rename(const std::string& view) {
  const auto dot = view.find('.');
  const std::string schema = view.substr(0, dot);
  const std::string name = view.substr(dot + 1);
  const std::string offline = name + "_offline";
  return {"ALTER MATERIALIZED VIEW IF EXISTS " + view + " RENAME TO " + offline,
          "ALTER MATERIALIZED VIEW IF EXISTS " + schema + "." + offline + " RENAME TO " + name};
}

// The rename needs an ACCESS EXCLUSIVE lock, so it queues behind a refresh in progress; a
// bounded wait keeps a stuck fault from hanging the run.
void run_ddl(const std::string& conninfo, const std::string& sql) {
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

std::vector<background::TimedStep> plan_steps(const scenario::Scenario& s,
                                              const option::SchemaOption& option,
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
  if (!option.view) return steps;
  const ViewRename sql = view_rename(option.view->relation);
  for (const auto& f : s.faults) {
    steps.push_back(
        {f.at, f.action + " begin", [conninfo, sql] { run_ddl(conninfo, sql.hide); }, false});
    steps.push_back({f.at + f.duration, f.action + " end",
                     [conninfo, sql] { run_ddl(conninfo, sql.restore); }, true});
  }
  return steps;
}

}  // namespace lg::run
