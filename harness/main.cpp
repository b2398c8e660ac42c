// loadgate entry point: dispatch the subcommand; the one place exceptions become exit codes.

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/stop.hpp"
#include "harness/db/connection.hpp"

namespace {

// Signals reach the run as a stop request with a reason. A handler may only do
// async-signal-safe work, so it writes the signal number to a pipe and a watcher thread turns
// it into the request. The first SIGINT/SIGTERM stops the run gracefully; the second stops it
// now (no grace period) but the results are still written and the embedded cluster stopped;
// the handler then gives both signals back to their default action, so a third ends loadgate
// at once (the escape hatch when even that hangs).
int g_signal_pipe[2] = {-1, -1};
std::atomic<int> g_signals{0};
std::atomic<int> g_first_signal{0};

extern "C" void on_signal(int sig) {
  const int seen = g_signals.fetch_add(1) + 1;
  if (seen == 1) g_first_signal.store(sig);
  if (seen >= 2) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] const auto n = ::write(g_signal_pipe[1], &b, 1);
}

const char* signal_name(int sig) { return sig == SIGTERM ? "SIGTERM" : "SIGINT"; }

// Installs the handlers and starts the watcher, which requests a stop on `stop`.
void watch_signals(lg::StopSource& stop) {
  if (::pipe2(g_signal_pipe, O_CLOEXEC) != 0) return;
  std::thread([stop]() mutable {
    unsigned char sig = 0;
    for (int seen = 1; ::read(g_signal_pipe[0], &sig, 1) == 1; ++seen) {
      if (seen == 1) {
        std::fprintf(stderr, "\nloadgate: %s: stopping, writing results (again: stop now)\n",
                     signal_name(sig));
        stop.request_stop(lg::StopReason::kSignal, signal_name(sig));
      } else {
        std::fprintf(stderr,
                     "\nloadgate: %s again: stopping now, writing what was collected (again: "
                     "exit at once)\n",
                     signal_name(sig));
        stop.request_immediate(lg::StopReason::kSignal, signal_name(sig));
      }
    }
  }).detach();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

// The shell's convention for a process ended by a signal: 128 + its number (SIGINT 130,
// SIGTERM 143). `code` is what the command returned for "interrupted".
int interrupted_exit(int code) {
  const int sig = g_first_signal.load();
  if (code != static_cast<int>(lg::ExitCode::kInterrupted) || sig == 0) return code;
  return 128 + sig;
}

int dispatch(const lg::cli::Command& cmd, lg::StopSource& stop) {
  if (const auto* help = std::get_if<lg::cli::HelpRequest>(&cmd)) {
    std::fputs(help->text.c_str(), stdout);
    return 0;
  }
  if (const auto* run = std::get_if<lg::run::RunOptions>(&cmd))
    return lg::run::execute_run(*run, stop);
  if (const auto* gen = std::get_if<lg::cli::DatagenOptions>(&cmd)) {
    return lg::cli::execute_datagen(*gen, stop.token());
  }
  if (const auto* merge = std::get_if<lg::cli::MergeOptions>(&cmd)) {
    return lg::cli::execute_merge(*merge);
  }
  if (const auto* report = std::get_if<lg::report::ReportOptions>(&cmd)) {
    return lg::report::execute_report(*report);
  }
  if (const auto* compare = std::get_if<lg::compare::CompareOptions>(&cmd)) {
    return lg::compare::execute_compare(*compare);
  }
  return lg::cli::execute_verify(std::get<lg::cli::VerifyOptions>(cmd), stop.token());
}

}  // namespace

int main(int argc, char** argv) {
  lg::StopSource stop;
  watch_signals(stop);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return interrupted_exit(dispatch(lg::cli::parse(argc, argv), stop));
  } catch (const lg::Interrupted&) {
    std::fprintf(stderr, "loadgate: interrupted\n");
    return interrupted_exit(static_cast<int>(lg::ExitCode::kInterrupted));
  } catch (const lg::InputError& e) {
    std::fprintf(stderr, "loadgate: error: %s\n", e.what());
    return static_cast<int>(lg::ExitCode::kInput);
  } catch (const lg::InfraError& e) {
    std::fprintf(stderr, "loadgate: infrastructure error: %s\n", e.what());
    return static_cast<int>(lg::ExitCode::kInfra);
  } catch (const lg::db::DbError& e) {
    std::fprintf(stderr, "loadgate: database error: %s %s\n", e.sqlstate().c_str(), e.what());
    return static_cast<int>(lg::ExitCode::kInfra);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgate: internal error: %s\n", e.what());
    return 1;
  }
}
