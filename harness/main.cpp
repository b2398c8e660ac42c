// loadgate entry point: dispatch the subcommand; the one place exceptions become exit codes.

#include <csignal>
#include <cstdio>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/core/errors.hpp"
#include "harness/db/connection.hpp"
#include "harness/exec/run_state.hpp"

namespace {

extern "C" void on_interrupt(int sig) {
  // First signal: finish gracefully and write results. Second: default action.
  if (lg::exec::interrupt_flag().exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

int dispatch(const lg::cli::Command& cmd) {
  if (const auto* help = std::get_if<lg::cli::HelpRequest>(&cmd)) {
    std::fputs(help->text.c_str(), stdout);
    return 0;
  }
  if (const auto* run = std::get_if<lg::run::RunOptions>(&cmd)) return lg::run::execute_run(*run);
  if (const auto* gen = std::get_if<lg::cli::DatagenOptions>(&cmd)) {
    return lg::cli::execute_datagen(*gen);
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
  return lg::cli::execute_verify(std::get<lg::cli::VerifyOptions>(cmd));
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return dispatch(lg::cli::parse(argc, argv));
  } catch (const lg::Interrupted&) {
    std::fprintf(stderr, "loadgate: interrupted\n");
    return static_cast<int>(lg::ExitCode::kInterrupted);
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
