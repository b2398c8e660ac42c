#pragma once
// Command-line parsing: one Boost.Program_options table per subcommand, converted into plain
// option structs. No globals; nothing here runs anything.

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "harness/compare/compare_cmd.hpp"
#include "harness/report/report_cmd.hpp"
#include "harness/run/run.hpp"

namespace lg::cli {

/// `loadgate datagen`: build options (A, B, C by default) from a seed, or print COPY rows with
/// --emit-copy.
struct DatagenOptions {
  std::int64_t products = 10'000;
  std::uint64_t seed = 42;
  std::vector<std::string> options{"A", "B", "C"};  ///< option names (sql/options/<name>/)
  std::string emit_copy;      ///< an option's name: write its COPY text rows, touch no database
  std::string emit_params;    ///< query name: print its parameter sets, touch no database
  int count = 100;            ///< parameter sets for --emit-params
  bool rebuild = false;       ///< build even if an intact dataset of the same key is there
  std::filesystem::path out;  ///< --out for --emit-copy / --emit-params; empty = stdout
  run::TargetOptions target;
  std::filesystem::path sql_dir;
  std::vector<std::filesystem::path> options_dirs;  ///< --options-dir, beside sql_dir/options
};

/// `loadgate verify`: same rows from every option (A, B and C by default) for K seeded
/// parameter sets.
struct VerifyOptions {
  std::int64_t products = 10'000;
  std::uint64_t seed = 42;
  std::vector<std::string> options{"A", "B", "C"};  ///< option names (sql/options/<name>/)
  int param_sets = 50;
  bool rebuild = false;  ///< rebuild the dataset even on an external database
  run::TargetOptions target;
  std::filesystem::path sql_dir;
  std::vector<std::filesystem::path> options_dirs;  ///< --options-dir, beside sql_dir/options
};

/// `loadgate merge <run> <run>... --out <dir>`: combine runs losslessly, re-evaluate thresholds.
struct MergeOptions {
  std::vector<std::filesystem::path> runs;  ///< results/<run> folders, at least two
  std::filesystem::path out;
  std::filesystem::path sql_dir;
  std::vector<std::filesystem::path> options_dirs;  ///< --options-dir, beside sql_dir/options
};

struct HelpRequest {
  std::string text;
};

using Command = std::variant<run::RunOptions, DatagenOptions, VerifyOptions, MergeOptions,
                             report::ReportOptions, compare::CompareOptions, HelpRequest>;

/// Parses argv. Throws InputError (exit 2) naming the flag for unknown flags, bad values or a
/// missing subcommand.
Command parse(int argc, char** argv);

/// "A,B,C" -> {"A","B","C"}: names of options in `available` (run::load_options). Throws
/// InputError naming `flag` for an unknown name (listing the options that exist, as
/// option::select), a name given twice or an empty list.
std::vector<std::string> parse_option_list(const std::string& text, const std::string& flag,
                                           const std::vector<option::SchemaOption>& available);

}  // namespace lg::cli
