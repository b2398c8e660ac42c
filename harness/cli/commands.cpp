#include "harness/cli/commands.hpp"

#include <cstdio>
#include <memory>

#include "datagen/copy_loader.hpp"
#include "harness/core/errors.hpp"
#include "harness/gate/threshold.hpp"
#include "harness/results/hlog_sink.hpp"
#include "harness/results/report.hpp"
#include "harness/results/run_folder.hpp"
#include "harness/results/series_file.hpp"
#include "harness/run/dataset.hpp"
#include "harness/run/run.hpp"
#include "harness/scenario/model.hpp"
#include "harness/verify/verify.hpp"
#include "harness/workload/catalog.hpp"
#include "harness/workload/params.hpp"

namespace lg::cli {
namespace {

// The options named on the command line, from the sql folder and --options-dir, in that order.
template <class Options>
std::vector<option::SchemaOption> selected_options(const Options& o,
                                                   const std::vector<std::string>& names,
                                                   const std::string& flag = "--options") {
  return option::select(run::load_options(o.sql_dir, o.options_dirs), names, flag);
}

// The dataset verify compares: what was recorded, unless we build it now.
datagen::ProductGenerator dataset_for_verify(db::Connection& conn, const VerifyOptions& o,
                                             const std::vector<option::SchemaOption>& options,
                                             bool build, const StopToken& stop) {
  if (build) {
    datagen::ProductGenerator gen(o.seed, o.products);
    run::build_dataset(conn, options, gen, true, stop);
    return gen;
  }
  std::optional<run::BuiltDataset> first;
  for (const auto& option : o.options) {
    auto built = run::built_dataset(conn, option);
    if (!built) {
      throw InputError("verify", "option " + option +
                                     " has no dataset; run loadgate datagen first or pass "
                                     "--rebuild");
    }
    if (first && (built->seed != first->seed || built->products != first->products)) {
      throw InputError("verify", "options were built from different datasets; pass --rebuild");
    }
    first = built;
  }
  return datagen::ProductGenerator(first->seed, first->products);
}

// The parameter sets VU 0 would draw for a query (the first option that has it).
void emit_params(const DatagenOptions& o, const datagen::ProductGenerator& gen, std::FILE* out) {
  const auto catalog = workload::Catalog::load(selected_options(o, o.options));
  if (!catalog.common_names(o.options).count(o.emit_params)) {
    throw InputError("--emit-params", "unknown query \"" + o.emit_params + "\"");
  }
  workload::ParamGenerator params(gen, o.seed, 0);
  const auto& q = catalog.query(o.options.front(), o.emit_params);
  for (int i = 0; i < o.count; ++i) {
    const auto values = params.next(q);
    for (std::size_t j = 0; j < values.size(); ++j) {
      std::fprintf(out, "%s%s", j ? "\t" : "", values[j] ? values[j]->c_str() : "\\N");
    }
    std::fputc('\n', out);
  }
}

// The run folders to merge, each with what merge needs: the scenario it ran (to refuse runs
// of different scenarios), series.json (histograms add losslessly) and latency.hlog. Read all
// before writing anything, so that a bad input leaves no half-merged folder.
std::vector<results::RunFolder> read_merge_inputs(const std::vector<std::filesystem::path>& runs) {
  const results::RunFolderNeeds needs = {.summary = results::Need::kSkip,
                                         .series = results::Need::kRequired,
                                         .timeseries = results::Need::kSkip,
                                         .hlog = results::Need::kRequired,
                                         .scenario = results::Need::kRequired};
  std::vector<results::RunFolder> folders;
  for (const auto& run : runs) folders.push_back(results::read_run_folder(run, needs));
  return folders;
}

}  // namespace

int execute_datagen(const DatagenOptions& o, const StopToken& stop) {
  datagen::ProductGenerator gen(o.seed, o.products);
  if (!o.emit_copy.empty() || !o.emit_params.empty()) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
        o.out.empty() ? stdout : std::fopen(o.out.c_str(), "w"),
        o.out.empty() ? +[](std::FILE*) { return 0; } : &std::fclose);
    if (!file) throw InfraError("cannot write " + o.out.string());
    if (!o.emit_copy.empty()) {
      const option::SchemaOption def = selected_options(o, {o.emit_copy}, "--emit-copy").front();
      std::fprintf(stderr, "COPY target: %s\n", datagen::copy_target(def).c_str());
      datagen::write_copy_rows(def.landing, gen, file.get());
    } else {
      emit_params(o, gen, file.get());
    }
    return 0;
  }
  auto target = run::open_target(o.target);
  auto conn = db::Connection::open(target.conninfo);
  const auto times = run::build_dataset(conn, selected_options(o, o.options), gen, o.rebuild, stop);
  for (std::size_t i = 0; i < o.options.size(); ++i) {
    const auto& t = times[i];
    if (t.reused) {
      std::printf("option %s: %lld products, reused\n", o.options[i].c_str(),
                  static_cast<long long>(o.products));
      continue;
    }
    std::string after_load;
    for (const auto& [stem, seconds] : t.after_load) {
      char part[96];
      std::snprintf(part, sizeof part, ", %s %.2f s", stem.c_str(), seconds);
      after_load += part;
    }
    std::printf(
        "option %s: %lld products in %.2f s (copy %.2f s = %.0f rows/s, indexes %.2f s%s, vacuum "
        "analyze %.2f s)\n",
        o.options[i].c_str(), static_cast<long long>(o.products), t.total(), t.copy_s,
        static_cast<double>(o.products) / t.copy_s, t.indexes_s, after_load.c_str(), t.vacuum_s);
  }
  run::announce_kept(target);
  return 0;
}

int execute_verify(const VerifyOptions& o, const StopToken& stop) {
  const auto options = selected_options(o, o.options);
  const auto catalog = workload::Catalog::load(options);
  auto target = run::open_target(o.target);
  auto conn = db::Connection::open(target.conninfo);
  const auto gen = dataset_for_verify(conn, o, options, target.embedded || o.rebuild, stop);
  const auto report = verify::verify_options(conn, catalog, gen, options, o.param_sets, gen.seed());
  std::fputs(verify::format_report(report).c_str(), stdout);
  std::printf("dataset: %lld products, seed %llu\n", static_cast<long long>(gen.count()),
              static_cast<unsigned long long>(gen.seed()));
  run::announce_kept(target);
  return report.ok() ? 0 : 1;
}

int execute_merge(const MergeOptions& o) {
  auto folders = read_merge_inputs(o.runs);
  const auto& first = folders.front();
  const auto available = run::load_options(o.sql_dir, o.options_dirs);
  const auto catalog = workload::Catalog::load(available);
  const auto s = scenario::parse_scenario(*first.scenario_text, first.dir / "scenario.toml",
                                          run::known_options(available, catalog));
  // Thresholds and tags only mean the same thing across runs of one scenario.
  for (const auto& run : folders) {
    if (*run.scenario_text != s.source_text) {
      throw InputError("merge", run.dir.string() + " ran a different scenario than " +
                                    first.dir.string() + "; only runs of one scenario merge");
    }
  }
  std::vector<std::vector<metrics::SeriesStats>> runs;
  std::vector<std::filesystem::path> logs;
  nlohmann::json sources = nlohmann::json::array();
  for (auto& run : folders) {
    runs.push_back(std::move(*run.series));
    logs.push_back(*run.hlog);
    sources.push_back(run.dir.string());
  }
  results::RunReport report;
  report.scenario = &s;
  report.run_id = o.out.filename().string();
  report.dir = o.out;
  report.started_at = report.finished_at = results::utc_now(false);
  report.target = "merged";
  report.environment = {{"merged_from", sources}};
  report.series = results::merge_runs(runs);
  for (const auto& option : s.database.options) {
    results::OptionReport opt;
    opt.option = option;
    opt.measured = true;
    report.options.push_back(std::move(opt));
  }
  report.thresholds = gate::evaluate(s.thresholds, report.series);
  results::write_all(report);
  results::merge_hlogs(logs, o.out / "latency.hlog");
  std::fputs(results::format_console(report).c_str(), stdout);
  return static_cast<int>(report.thresholds_passed() ? ExitCode::kOk : ExitCode::kThresholds);
}

}  // namespace lg::cli
