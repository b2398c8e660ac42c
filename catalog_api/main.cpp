// catalog-api: the reference catalog API that loadgate's HTTP workloads target.
// Exit codes (docs/architecture.md): 0 stopped by SIGTERM/SIGINT, 2 bad command line, 3 database
// unreachable or address not bindable at start.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <thread>

#include "catalog_api/cli.hpp"
#include "catalog_api/id_sequence.hpp"
#include "catalog_api/pool.hpp"
#include "catalog_api/server.hpp"
#include "harness/core/errors.hpp"

namespace {

using lg::api::ApiServer;

// How long in-flight requests get after SIGTERM before idle keep-alive connections are cut:
// cpp-httplib 0.11 only notices a stop between requests, so an idle connection would hold
// shutdown for the whole keep-alive timeout (60 s).
constexpr auto kStopGrace = std::chrono::seconds(2);

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int fail(int code, const char* what) {
  std::fprintf(stderr, "catalog-api: %s\n", what);
  return code;
}

// Serves until SIGTERM/SIGINT, which a dedicated thread takes with sigwait (the signals are
// blocked in every thread, so no handler runs in async-signal context).
int serve(ApiServer& server) {
  std::atomic<bool> stopping{false};
  std::promise<void> finished;
  std::future<void> finished_future = finished.get_future();
  std::thread stopper([&] {
    const sigset_t set = stop_signals();
    int sig = 0;
    sigwait(&set, &sig);
    stopping = true;
    server.stop();
    if (finished_future.wait_for(kStopGrace) == std::future_status::timeout) {
      std::fflush(nullptr);
      std::_Exit(0);
    }
  });
  const bool ok = server.run();
  finished.set_value();
  if (!stopping) ::kill(::getpid(), SIGTERM);  // wakes the stopper when run() failed by itself
  stopper.join();
  return ok || stopping ? 0 : fail(3, "the accept loop failed");
}

}  // namespace

int main(int argc, char** argv) {
  lg::api::ApiOptions opts;
  try {
    opts = lg::api::parse_cli(argc, argv);
  } catch (const lg::InputError& e) {
    return fail(2, e.what());
  }
  if (opts.help) {
    std::fputs(opts.help_text.c_str(), stdout);
    return 0;
  }
  // Before any thread exists, so every thread inherits the mask.
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<lg::api::ConnectionPool> pool;
  try {
    pool = std::make_unique<lg::api::ConnectionPool>(opts.pool);
  } catch (const lg::api::DbUnavailable& e) {
    return fail(3, e.what());
  }
  // Not fatal: reads need no sequence, and a role without CREATE on the schema (or a
  // database without the option's schema) can still serve them; creations then answer 500.
  try {
    lg::api::prepare_id_sequence(*pool, opts.option);
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "catalog-api: warning: no id sequence (%s); POST /api/products without an id "
                 "will fail\n",
                 e.what());
  }
  lg::api::AppState app(opts.option, *pool, opts.rollout_percent);
  ApiServer server(app, opts.server);
  int port = 0;
  try {
    port = server.bind();
  } catch (const std::exception& e) {
    return fail(3, e.what());
  }
  // loadgate waits for exactly this line on stdout.
  std::printf("catalog-api listening on http://%s:%d\n", opts.server.host.c_str(), port);
  std::fflush(stdout);
  return serve(server);
}
