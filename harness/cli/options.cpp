#include "harness/cli/options.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <sstream>

#include "harness/core/errors.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/scenario/model.hpp"

namespace lg::cli {
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: loadgate <command> [options]\n"
    "commands:\n"
    "  run <scenario.toml>   build the dataset, replay the workload, write results/<run>/\n"
    "  datagen               generate products into options A/B/C (or print COPY rows)\n"
    "  verify                check that A, B and C answer every query alike\n"
    "  merge <run> <run>...  combine runs losslessly and re-evaluate thresholds (--out DIR)\n"
    "  report <run>          report.html with latency, throughput and percentile plots\n"
    "  compare <run>...      runs side by side; with --baseline, exit 4 on a regression\n"
    "run 'loadgate <command> --help' for its options\n";

struct TargetFlags {
  std::string dsn;
  bool keep_db = false;
  bool mark_db = false;
  std::string sql_dir;
  std::vector<std::string> options_dirs;
};

void add_target_flags(po::options_description& d, TargetFlags& t) {
  d.add_options()("dsn", po::value(&t.dsn),
                  "libpq connection string or URI (default: PG* variables, else an embedded "
                  "ephemeral cluster)")("keep-db", po::bool_switch(&t.keep_db),
                                        "keep the embedded cluster running and print its DSN")(
      "mark-db", po::bool_switch(&t.mark_db),
      "allow loadgate to mark an external database as a benchmark database and create its "
      "schemas loadgate_a/b/c/meta there")("sql-dir", po::value(&t.sql_dir),
                                           "folder with options/<name>/ (default: "
                                           "the source tree's sql/)")(
      "options-dir", po::value(&t.options_dirs),
      "a folder of options, or one option's folder, beside the sql folder's (repeatable)");
}

run::TargetOptions to_target(const TargetFlags& t) {
  run::TargetOptions o;
  o.dsn = t.dsn;
  o.keep_db = t.keep_db;
  o.mark_db = t.mark_db;
  return o;
}

std::filesystem::path sql_dir_of(const TargetFlags& t) {
  return t.sql_dir.empty() ? run::default_sql_dir() : std::filesystem::path(t.sql_dir);
}

std::vector<std::filesystem::path> options_dirs_of(const std::vector<std::string>& dirs) {
  return {dirs.begin(), dirs.end()};
}

std::string help_of(const std::string& usage, const po::options_description& d) {
  std::ostringstream out;
  out << usage << '\n' << d;
  return out.str();
}

// Parses; returns true when --help was given.
bool parse_into(const std::vector<std::string>& args, po::options_description& d,
                const po::positional_options_description* pos) {
  bool help = false;
  d.add_options()("help,h", po::bool_switch(&help), "show this help");
  po::command_line_parser parser(args);
  parser.options(d);
  if (pos) parser.positional(*pos);
  po::variables_map vm;
  try {
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError("command line", e.what());
  }
  return help;
}

Command parse_run(const std::vector<std::string>& args) {
  run::RunOptions o;
  constexpr int kUnset = -1;
  int trials = kUnset;
  TargetFlags t;
  std::string scenario, results = "results";
  po::options_description d("loadgate run options");
  d.add_options()("scenario", po::value(&scenario), "scenario file (positional)")(
      "results-dir", po::value(&results), "where run folders are written (default: results)")(
      "rebuild", po::bool_switch(&o.rebuild),
      "build the dataset even if an intact one of the same products, seed and schema is in the "
      "database")("trials", po::value(&trials),
                  "repeat the measured phase N times per option on the one dataset (default: the "
                  "scenario's trials, else 1)");
  add_target_flags(d, t);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  if (parse_into(args, d, &pos))
    return HelpRequest{help_of("usage: loadgate run <scenario.toml> [options]", d)};
  if (scenario.empty())
    throw InputError("run", "missing scenario file: loadgate run <scenario.toml>");
  if (trials != kUnset && (trials < 1 || trials > lg::scenario::kMaxTrials)) {
    throw InputError("--trials", "must be between 1 and " +
                                     std::to_string(lg::scenario::kMaxTrials) + ", got " +
                                     std::to_string(trials));
  }
  if (trials != kUnset) o.trials = trials;
  o.scenario_file = scenario;
  o.target = to_target(t);
  o.results_dir = results;
  o.sql_dir = sql_dir_of(t);
  o.options_dirs = options_dirs_of(t.options_dirs);
  return o;
}

void check_products(std::int64_t n) {
  if (n < 1'000 || n > 1'000'000) {
    throw InputError("--products", "must be between 1000 and 1000000, got " + std::to_string(n));
  }
}

Command parse_datagen(const std::vector<std::string>& args) {
  DatagenOptions o;
  TargetFlags t;
  std::string options = "A,B,C", emit, out;
  po::options_description d("loadgate datagen options");
  d.add_options()("products", po::value(&o.products), "number of products (1000..1000000)")(
      "seed", po::value(&o.seed), "generator seed")("options", po::value(&options),
                                                    "schema options to build, e.g. A,C")(
      "emit-copy", po::value(&emit), "print an option's COPY rows (e.g. A) instead of loading")(
      "emit-params", po::value(&o.emit_params),
      "print parameter sets of a query (one per line, tab-separated) instead of loading")(
      "count", po::value(&o.count), "parameter sets for --emit-params (default 100)")(
      "out", po::value(&out), "file for --emit-copy / --emit-params (default: stdout)")(
      "rebuild", po::bool_switch(&o.rebuild),
      "build even when an intact dataset of the same products, seed and schema is there");
  add_target_flags(d, t);
  if (parse_into(args, d, nullptr))
    return HelpRequest{help_of("usage: loadgate datagen [options]", d)};
  check_products(o.products);
  o.sql_dir = sql_dir_of(t);
  o.options_dirs = options_dirs_of(t.options_dirs);
  const auto available = run::load_options(o.sql_dir, o.options_dirs);
  // --emit-copy first: it touches no database, so the option it names is the one that matters.
  if (!emit.empty()) {
    const auto emit_list = parse_option_list(emit, "--emit-copy", available);
    if (emit_list.size() != 1) throw InputError("--emit-copy", "expected one option, e.g. A");
    o.emit_copy = emit_list.front();
  }
  o.options = parse_option_list(options, "--options", available);
  o.out = out;
  o.target = to_target(t);
  return o;
}

Command parse_verify(const std::vector<std::string>& args) {
  VerifyOptions o;
  TargetFlags t;
  std::string options = "A,B,C";
  po::options_description d("loadgate verify options");
  d.add_options()("products", po::value(&o.products),
                  "products to build on the embedded cluster (1000..1000000)")(
      "seed", po::value(&o.seed), "generator seed")("options", po::value(&options),
                                                    "options to compare (at least two)")(
      "param-sets", po::value(&o.param_sets), "seeded parameter sets per query (default 50)")(
      "rebuild", po::bool_switch(&o.rebuild), "rebuild the dataset on an external database");
  add_target_flags(d, t);
  if (parse_into(args, d, nullptr))
    return HelpRequest{help_of("usage: loadgate verify [options]", d)};
  check_products(o.products);
  o.sql_dir = sql_dir_of(t);
  o.options_dirs = options_dirs_of(t.options_dirs);
  o.options = parse_option_list(options, "--options", run::load_options(o.sql_dir, o.options_dirs));
  if (o.options.size() < 2) throw InputError("--options", "verify needs at least two options");
  if (o.param_sets < 1) throw InputError("--param-sets", "must be at least 1");
  o.target = to_target(t);
  return o;
}

Command parse_merge(const std::vector<std::string>& args) {
  MergeOptions o;
  std::vector<std::string> runs;
  std::string out, sql_dir;
  std::vector<std::string> options_dirs;
  po::options_description d("loadgate merge options");
  d.add_options()("run", po::value(&runs)->multitoken(), "run folders (positional)")(
      "out", po::value(&out), "folder for the merged run (required)")(
      "sql-dir", po::value(&sql_dir), "the sql/ folder (to read the scenarios' queries)")(
      "options-dir", po::value(&options_dirs),
      "a folder of options the runs used, beside the sql folder's (repeatable)");
  po::positional_options_description pos;
  pos.add("run", -1);
  if (parse_into(args, d, &pos)) {
    return HelpRequest{help_of("usage: loadgate merge <run> <run>... --out <dir>", d)};
  }
  if (runs.size() < 2) throw InputError("merge", "needs at least two run folders");
  if (out.empty()) throw InputError("--out", "missing: the folder for the merged run");
  o.runs.assign(runs.begin(), runs.end());
  o.out = out;
  o.sql_dir = sql_dir.empty() ? run::default_sql_dir() : std::filesystem::path(sql_dir);
  o.options_dirs = options_dirs_of(options_dirs);
  return o;
}

Command parse_report(const std::vector<std::string>& args) {
  report::ReportOptions o;
  std::vector<std::string> runs;
  std::string out;
  po::options_description d("loadgate report options");
  d.add_options()("run", po::value(&runs)->multitoken(),
                  "run folder (positional): report.html; several, or folders of runs: "
                  "trend.html, p95 per query over the runs")(
      "out", po::value(&out),
      "folder for the page and its images (default: the run folder, or the first path)");
  po::positional_options_description pos;
  pos.add("run", -1);
  if (parse_into(args, d, &pos)) {
    return HelpRequest{help_of("usage: loadgate report <run> | <run|folder-of-runs>...", d)};
  }
  if (runs.empty()) throw InputError("report", "needs a run folder");
  o.runs.assign(runs.begin(), runs.end());
  o.out = out;
  return o;
}

Command parse_compare(const std::vector<std::string>& args) {
  compare::CompareOptions o;
  std::vector<std::string> inputs;
  std::string baseline;
  po::options_description d("loadgate compare options");
  d.add_options()("input", po::value(&inputs)->multitoken(),
                  "run folders, folders of run folders (each run a trial) or Google Benchmark "
                  "JSON files (positional; the first is the reference)")(
      "format", po::value(&o.format), "text (default), md or json")(
      "baseline", po::value(&baseline),
      "run folder, folder of runs or benchmark file to gate against (exit 4)")(
      "tolerance", po::value(&o.tolerances)->composing(),
      "KEY=FRACTION, repeatable: allowed change before a regression counts")(
      "alpha", po::value(&o.alpha),
      "error rate of the gate over all metrics tested (default 0.05)")(
      "p-adjust", po::value(&o.p_adjust),
      "holm (default: family-wise error) or bh (Benjamini-Hochberg: false discovery rate)")(
      "calibration-tolerance", po::value(&o.calibration_tolerance),
      "largest difference of the machine calibrations of baseline and candidate (default "
      "0.15); beyond it compare refuses (exit 2)");
  po::positional_options_description pos;
  pos.add("input", -1);
  if (parse_into(args, d, &pos)) {
    return HelpRequest{help_of("usage: loadgate compare <run|bench.json>... [--baseline X]", d)};
  }
  if (inputs.empty()) throw InputError("compare", "needs at least one run folder or file");
  if (o.format != "text" && o.format != "md" && o.format != "json") {
    throw InputError("--format", "expected text, md or json, got \"" + o.format + "\"");
  }
  if (!(o.alpha > 0 && o.alpha < 1)) throw InputError("--alpha", "must be in (0, 1)");
  if (o.p_adjust != "holm" && o.p_adjust != "bh") {
    throw InputError("--p-adjust", "expected holm or bh, got \"" + o.p_adjust + "\"");
  }
  if (!(o.calibration_tolerance >= 0)) {
    throw InputError("--calibration-tolerance", "must be a fraction >= 0");
  }
  o.inputs.assign(inputs.begin(), inputs.end());
  o.baseline = baseline;
  return o;
}

}  // namespace

std::vector<std::string> parse_option_list(const std::string& text, const std::string& flag,
                                           const std::vector<option::SchemaOption>& available) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (std::find(out.begin(), out.end(), item) != out.end()) {
      throw InputError(flag, "option " + item + " given twice");
    }
    out.push_back(item);
  }
  if (out.empty()) throw InputError(flag, "expected a list such as A,B,C");
  option::select(available, out, flag);  // throws for a name that is not an option
  return out;
}

Command parse(int argc, char** argv) {
  if (argc < 2) throw InputError("command line", std::string("missing command\n") + kUsage);
  const std::string cmd = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  if (cmd == "run") return parse_run(rest);
  if (cmd == "datagen") return parse_datagen(rest);
  if (cmd == "verify") return parse_verify(rest);
  if (cmd == "merge") return parse_merge(rest);
  if (cmd == "report") return parse_report(rest);
  if (cmd == "compare") return parse_compare(rest);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") return HelpRequest{kUsage};
  throw InputError(
      "command line",
      "unknown command \"" + cmd + "\"; expected run, datagen, verify, merge, report or compare");
}

}  // namespace lg::cli
