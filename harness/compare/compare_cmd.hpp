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
  double alpha = 0.05;                  ///< error rate of the gate over the family of metrics
  std::string p_adjust = "holm";        ///< holm | bh: how p-values are adjusted (--p-adjust)
  /// Largest relative difference between the baseline's and a candidate's machine calibration
  /// the gate accepts (--calibration-tolerance): beyond it in the CPU loop the runs come from
  /// machines too different to gate on and compare refuses (exit 2); beyond it in the
  /// statement rate compare warns.
  double calibration_tolerance = 0.15;
};

/// Prints the comparison to stdout (notes on the inputs to stderr; with --format json the
/// regression lines too, so stdout stays one JSON document). Returns 0, or 4
/// (ExitCode::kRegression) when `baseline` is set and a metric of some candidate regressed
/// beyond its tolerance with significance (see gate.hpp). Throws InputError (exit 2) for a
/// missing or malformed input, a bad --format or --p-adjust, a bad or unmatched --tolerance,
/// or calibrations of baseline and candidate further apart than calibration_tolerance.
int execute_compare(const CompareOptions& options);

}  // namespace lg::compare
