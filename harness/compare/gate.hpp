#pragma once
// The regression gate of `loadgate compare --baseline`: a metric regressed when it moved beyond
// its tolerance in the bad direction AND the move is significant (Mann–Whitney U, two-sided as
// in Google Benchmark's tools/gbench/report.py, over per-interval values or repetitions).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/compare/inputs.hpp"
#include "harness/compare/tolerance.hpp"

namespace lg::compare {

/// Fewest samples per side the gate judges on. Two-sided at 5 vs 5 the smallest possible
/// p-value is 2/C(10,5) = 0.0079, so α = 0.05 is reachable yet a couple of noisy intervals
/// cannot carry a verdict (Google Benchmark tests from 2 and recommends 9 repetitions).
inline constexpr std::size_t kMinSamples = 5;

/// What the gate concluded for one metric.
enum class Verdict {
  kOk,              ///< within tolerance (or better, without significance)
  kImproved,        ///< better beyond tolerance, significant
  kNotSignificant,  ///< worse beyond tolerance, but p >= alpha: noise is not a regression
  kInsufficient,    ///< fewer than kMinSamples on a side: not judged
  kMissing,         ///< the baseline has it, the candidate does not (or the reverse)
  kRegression,      ///< worse beyond tolerance and significant
};

/// Short lower-case name ("ok", "regression", "insufficient samples"…).
const char* verdict_name(Verdict v);

/// One gated metric of one series of one candidate.
struct GateRow {
  std::string option, name, metric;
  EntryKind kind = EntryKind::kQuery;
  std::optional<double> baseline, candidate;  ///< figures (ms or /s)
  std::optional<double> change;               ///< candidate / baseline - 1
  double tolerance = 0;                       ///< allowed fraction in the bad direction
  std::size_t n_baseline = 0, n_candidate = 0;
  std::optional<double> p_value;  ///< two-sided; only with enough samples
  Verdict verdict = Verdict::kOk;
};

/// Gates `candidate` against `baseline`: one row per series present in either input and per
/// metric with a tolerance (see Tolerances). `alpha` in (0, 1).
std::vector<GateRow> gate(const Input& baseline, const Input& candidate,
                          const Tolerances& tolerances, double alpha);

/// Throws InputError (field --tolerance) when a rule names an option or a name that no input
/// has: a typo must not silently disable a gate.
void check_tolerance_names(const Tolerances& tolerances, const std::vector<Input>& inputs);

}  // namespace lg::compare
