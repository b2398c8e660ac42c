#include "harness/compare/inputs.hpp"

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"

namespace lg::compare {

const Series* Input::find(const std::string& option, const std::string& name) const {
  for (const auto& s : series) {
    if (s.option == option && s.name == name) return &s;
  }
  return nullptr;
}

Input load_input(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return load_run(path);
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
