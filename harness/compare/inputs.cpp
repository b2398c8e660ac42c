#include "harness/compare/inputs.hpp"

#include <algorithm>

#include "harness/compare/effect.hpp"
#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"

namespace lg::compare {
namespace {

namespace fs = std::filesystem;

bool is_run_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "summary.json", ec) || fs::exists(dir / "series.json", ec);
}

// Run folders directly inside `dir`, by name (run ids begin with their UTC start).
std::vector<fs::path> run_folders_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory(ec) && is_run_folder(e.path())) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string label_of(const fs::path& dir) {
  fs::path p = dir.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().empty() ? dir.string() : p.filename().string();
}

}  // namespace

const Series* Input::find(const std::string& option, const std::string& name) const {
  for (const auto& s : series) {
    if (s.option == option && s.name == name) return &s;
  }
  return nullptr;
}

Input load_runs(const fs::path& dir) {
  const auto runs = run_folders_in(dir);
  if (runs.empty()) {
    throw InputError(SourceLoc{dir.string()}, "compare",
                     "not a run folder and holds no run folder (no summary.json or series.json)");
  }
  Input out;
  out.path = dir;
  out.label = label_of(dir);
  std::vector<double> cpu, statements;
  for (const auto& r : runs) {
    Input in = load_run(r);
    for (auto& n : in.notes) out.notes.push_back(std::move(n));
    if (in.calibration) {
      cpu.push_back(in.calibration->cpu_mops);
      statements.push_back(in.calibration->statements_per_s);
    }
    for (auto& s : in.series) {
      Series* into = nullptr;
      for (auto& o : out.series) {
        if (o.option == s.option && o.name == s.name) into = &o;
      }
      if (!into) {
        out.series.push_back({s.option, s.name, s.kind, {}});
        into = &out.series.back();
      }
      // A run's trials are samples of their own; a one-trial run is one sample, its figure.
      for (auto& [metric, data] : s.metrics) {
        auto& samples = into->metrics[metric].samples;
        if (data.samples.empty()) {
          samples.push_back(data.value);
        } else {
          samples.insert(samples.end(), data.samples.begin(), data.samples.end());
        }
      }
    }
  }
  for (auto& s : out.series) {
    for (auto& [metric, data] : s.metrics) {
      data.value = median(data.samples);
      out.trials = std::max(out.trials, data.samples.size());
    }
  }
  if (cpu.size() == runs.size()) out.calibration = Calibration{median(cpu), median(statements)};
  return out;
}

Input load_input(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return is_run_folder(path) || run_folders_in(path).empty() ? load_run(path) : load_runs(path);
  }
  if (!std::filesystem::exists(path, ec)) {
    throw InputError(SourceLoc{path.string()}, "compare", "no such run folder or file");
  }
  // A run's summary.json stands for its folder: shells complete file names.
  if (path.filename() == "summary.json") {
    return load_run(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
  }
  return load_benchmark_json(read_input_file(path, "benchmark"), path);
}

}  // namespace lg::compare
