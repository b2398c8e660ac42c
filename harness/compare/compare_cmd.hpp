#pragma once
// `loadgate compare`: runs (or Google Benchmark JSON files) side by side, and a regression gate
// against a baseline.

#include <filesystem>
#include <string>
#include <vector>

namespace lg::compare {

/// What `loadgate compare` was asked to do.
struct CompareOptions {
  /// Run folders (results/<run>) or Google Benchmark --benchmark_format=json files; the first
  /// is the reference the ratios are taken against, unless a baseline is given: then the
  /// baseline is, and every input here is a candidate gated against it.
  std::vector<std::filesystem::path> inputs;
  std::string format = "text";          ///< text | md | json
  std::filesystem::path baseline;       ///< empty: no gate; else a run folder or benchmark file
  std::vector<std::string> tolerances;  ///< raw --tolerance KEY=FRACTION overrides, in order
  double alpha = 0.05;                  ///< significance level of the regression test
};

/// Prints the comparison to stdout (notes on the inputs to stderr; with --format json the
/// regression lines too, so stdout stays one JSON document). Returns 0, or 4
/// (ExitCode::kRegression) when `baseline` is set and a metric of some candidate regressed
/// beyond its tolerance with significance (see gate.hpp). Throws InputError (exit 2) for a
/// missing or malformed input, a bad --format, or a bad or unmatched --tolerance.
int execute_compare(const CompareOptions& options);

}  // namespace lg::compare
