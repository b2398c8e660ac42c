#pragma once
// `loadgate run`: the one module that knows the others. Wires scenario -> target -> dataset ->
// executor + background activities -> aggregate -> thresholds -> result files -> exit code.

#include <filesystem>
#include <vector>

#include "harness/core/stop.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/run/target.hpp"
#include "harness/scenario/model.hpp"
#include "harness/workload/catalog.hpp"

namespace lg::run {

struct RunOptions {
  std::filesystem::path scenario_file;
  TargetOptions target;
  std::filesystem::path results_dir = "results";
  std::filesystem::path sql_dir;  ///< folder holding options/<name>/ (option.toml, queries/, ...)
  /// --options-dir: more folders of options (or one option's folder each), beside sql_dir's and
  /// the scenario's [database] options_dirs.
  std::vector<std::filesystem::path> options_dirs;
  /// Build every option's dataset even when an intact one of the same (products, seed, schema)
  /// is already in the target database (--rebuild); only matters for --dsn / PG* targets.
  bool rebuild = false;
  /// --trials: repeats of the measured phase per option (see Scenario::trials); 0 keeps the
  /// scenario's `trials`.
  int trials = 0;
};

/// Executes one run and writes results/<UTC timestamp>-<scenario>/. Returns 0 when every
/// threshold held and 99 when one was crossed (after all results are written). Throws
/// InputError (exit 2) for bad input and InfraError/db::DbError (exit 3) for infrastructure
/// failures; a run cut short by those or by a stop on `stop` (SIGINT, which main requests)
/// still writes its results, marked incomplete. An abort_on_fail threshold requests a stop on
/// `stop` itself and makes the run return 99.
int execute_run(const RunOptions& options, StopSource& stop);

/// Default sql/ folder: $LOADGATE_SQL_DIR, else the source tree's sql/ (compile-time path).
std::filesystem::path default_sql_dir();

/// Every option of sql_dir/options and of each of `options_dirs` (a folder of options, or one
/// option's folder: option::discover), sorted by name. Throws InputError for a missing folder,
/// a bad manifest, or one name or schema defined twice.
std::vector<option::SchemaOption> load_options(
    const std::filesystem::path& sql_dir,
    const std::vector<std::filesystem::path>& options_dirs = {});

/// What a scenario is checked against: `options` with each one's query and write names as
/// `catalog` (loaded from them) has them.
scenario::KnownOptions known_options(const std::vector<option::SchemaOption>& options,
                                     const workload::Catalog& catalog);

}  // namespace lg::run
