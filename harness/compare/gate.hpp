#pragma once
// The regression gate of `loadgate compare --baseline`: a metric regressed when it moved beyond
// its tolerance in the bad direction AND the move is significant after correcting for the number
// of metrics tested together (Holm–Bonferroni by default).
//
// The unit of replication is the trial: with independent samples on both sides (trials of a
// run, the runs of a folder of runs, benchmark repetitions) the change is the Hodges–Lehmann
// shift relative to the baseline's median, with its Mann–Whitney confidence interval
// (effect.hpp), and the test is the exact Mann–Whitney U. Without them the gate falls back to
// the per-interval values of one run, with a warning: intervals of one run are autocorrelated,
// so the test calls any systematic difference between two runs (another machine, another
// hour) significant.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/compare/effect.hpp"
#include "harness/compare/inputs.hpp"
#include "harness/compare/multiple_testing.hpp"
#include "harness/compare/tolerance.hpp"

namespace lg::compare {

/// Fewest samples per side the gate judges on. Two-sided at 5 vs 5 the smallest possible
/// p-value is 2/C(10,5) = 0.0079, so α = 0.05 is reachable for one metric yet a couple of noisy
/// samples cannot carry a verdict (Google Benchmark tests from 2 and recommends 9 repetitions).
/// A family of K metrics needs more: see min_trials_for.
inline constexpr std::size_t kMinSamples = 5;

/// What the gate concluded for one metric.
enum class Verdict {
  kOk,              ///< within tolerance (or better, without significance)
  kImproved,        ///< better beyond tolerance, significant
  kNotSignificant,  ///< worse beyond tolerance, but not significant after correction
  kInsufficient,    ///< fewer than kMinSamples on a side: not judged
  kMissing,         ///< the baseline has it, the candidate does not (or the reverse)
  kRegression,      ///< worse beyond tolerance and significant after correction
};

/// Short lower-case name ("ok", "regression", "insufficient samples"…).
const char* verdict_name(Verdict v);

/// What the samples of a gated row were.
enum class SampleKind {
  kNone,         ///< not judged
  kIndependent,  ///< trials or repetitions on both sides
  kIntervals,    ///< per-interval values of one run on a side (the fallback)
};

/// One gated metric of one series of one candidate.
struct GateRow {
  std::string option, name, metric;
  EntryKind kind = EntryKind::kQuery;
  std::optional<double> baseline, candidate;  ///< figures (ms or /s)
  /// Relative change: the Hodges–Lehmann shift over the baseline's median for independent
  /// samples, else candidate / baseline - 1.
  std::optional<double> change;
  /// (1 - α) confidence interval of `change` (independent samples only).
  std::optional<ConfidenceInterval> change_ci;
  double tolerance = 0;  ///< allowed fraction in the bad direction
  std::size_t n_baseline = 0, n_candidate = 0;
  SampleKind samples = SampleKind::kNone;
  std::optional<double> p_value;     ///< two-sided Mann–Whitney; only with enough samples
  std::optional<double> p_adjusted;  ///< p_value adjusted over the family (GateOptions::adjust)
  Verdict verdict = Verdict::kOk;
};

/// How the gate decides.
struct GateOptions {
  double alpha = 0.05;  ///< family-wise error rate (Holm) or false discovery rate (BH), in (0, 1)
  PAdjust adjust = PAdjust::kHolm;
};

/// The gate of one candidate: its rows, the size of the tested family and warnings a user must
/// see (intervals used, too few trials for the family to ever reach α).
struct GateOutcome {
  std::vector<GateRow> rows;
  std::size_t family = 0;  ///< rows that got a p-value: what the adjustment counts
  std::vector<std::string> warnings;
};

/// Gates `candidate` against `baseline`: one row per series present in either input and per
/// metric with a tolerance (see Tolerances); p-values are adjusted over every row of this
/// candidate that has one.
GateOutcome gate(const Input& baseline, const Input& candidate, const Tolerances& tolerances,
                 const GateOptions& options);

/// Smallest n such that n vs n samples (without ties) can reach a two-sided p-value that
/// survives Holm over `family` tests at `alpha`: 2/C(2n, n) <= alpha/family. E.g. 4 for one
/// test at 0.05, 7 for 72 tests (24 queries × p95, p99, throughput).
std::size_t min_trials_for(std::size_t family, double alpha);

/// Throws InputError (field --tolerance) when a rule names an option or a name that no input
/// has: a typo must not silently disable a gate.
void check_tolerance_names(const Tolerances& tolerances, const std::vector<Input>& inputs);

}  // namespace lg::compare
