#pragma once
// catalog-api started by a run (`[http] catalog_api = true`): one process per option on a free
// loopback port against the run's database, stopped when the option is done.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/background/activity.hpp"
#include "harness/core/clock.hpp"

namespace lg::run {

/// What to start catalog-api with.
struct ApiOptions {
  std::string conninfo;          ///< the run's database
  std::string option = "C";      ///< the option's name, passed to catalog-api --option
  int pool = 16;                 ///< database connections
  int threads = 64;              ///< server threads: >= concurrent keep-alive clients
  int mv_rollout_percent = 100;  ///< option C's initial share of listing reads on the view
  std::filesystem::path log;     ///< its stderr
};

/// Path of the catalog-api binary: $LOADGATE_CATALOG_API, else beside the running loadgate,
/// else "catalog-api" (PATH).
std::filesystem::path catalog_api_binary();

/// The system under test as a background activity: already serving when the measured part
/// starts (VUs connect to it first), dead when it exited on its own, and essential.
class ApiProcess : public background::Activity {
 public:
  /// Starts catalog-api and waits (up to `wait`) for its "listening on <url>" line. Throws
  /// InfraError (exit 3) when it cannot start, exits or stays silent; the message carries the
  /// tail of its log. It gets SIGTERM when the calling THREAD ends (PR_SET_PDEATHSIG: loadgate
  /// killed leaves no listener), so construct it on a thread that outlives it (the run's).
  ApiProcess(const ApiOptions& options, Nanos wait = 30 * kNanosPerSecond);
  ApiProcess(const ApiProcess&) = delete;
  ApiProcess& operator=(const ApiProcess&) = delete;
  /// stop().
  ~ApiProcess() override;

  /// "http://127.0.0.1:<port>".
  const std::string& base_url() const { return base_url_; }
  /// SIGTERM, then SIGKILL after 10 s; reaps it. Idempotent.
  void stop() noexcept;
  /// "" while it runs, or after stop() when it was still running then; once it has exited on
  /// its own (crashed, killed), how: "catalog-api was killed by signal 9", "catalog-api exited
  /// with status 1". Reaps it.
  std::string exited() noexcept;

  std::string name() const override { return "catalog-api"; }
  /// Nothing to start: it serves from its construction on.
  void start(Nanos) override {}
  /// Notes whether it had exited on its own (see exited()), then stop().
  void stop(background::StopMode) override;
  /// Dead once it exited on its own (exited()).
  background::Health health() override;
  bool essential() const override { return true; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // kept open: a write after the first line must not raise SIGPIPE there
  std::string base_url_;
  std::string exit_;  // how it exited on its own, once seen
};

}  // namespace lg::run
