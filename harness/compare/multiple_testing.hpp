#pragma once
// Error control across a family of tests. `compare` tests every gated metric of every query at
// once (24 queries × 3 metrics in the nightly gate); at α = 0.05 each, a few false alarms per
// night are expected even between identical runs. Adjusted p-values compared against the same α
// control the error over the whole family instead.
//
// Sources: Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J.
// Statist. 6; Benjamini & Hochberg (1995), "Controlling the false discovery rate", JRSS B 57;
// adjusted p-values as defined by Wright (1992), "Adjusted P-values for simultaneous
// inference", Biometrics 48 (the same values as R's p.adjust "holm" and "BH").

#include <vector>

namespace lg::compare {

/// How p-values of one family are adjusted.
enum class PAdjust {
  /// Holm–Bonferroni step-down: controls the family-wise error rate (the chance of even one
  /// false alarm) under any dependence between the tests. The gate's default.
  kHolm,
  /// Benjamini–Hochberg step-up: controls the false discovery rate (the expected share of
  /// false alarms among the alarms) for independent or positively dependent tests; more power.
  kBenjaminiHochberg,
};

/// Adjusted p-values, in the order of `p`: test i is rejected at family level α exactly when
/// result[i] <= α. With p sorted ascending p_(1) <= … <= p_(m):
///   Holm: p~_(i) = max_{j<=i} min(1, (m - j + 1)·p_(j))
///   BH:   p~_(i) = min_{j>=i} min(1, m/j · p_(j))
/// Both are monotone in p (a smaller p never gets a larger adjusted value), never below the raw
/// p, capped at 1; equal p-values get equal adjusted values; BH's are never above Holm's.
/// An empty family gives an empty result. Throws std::invalid_argument when a p-value is NaN or
/// outside [0, 1].
std::vector<double> adjust_p_values(const std::vector<double>& p, PAdjust method);

/// Short lower-case name of a method ("holm", "bh"), as a flag value would spell it.
const char* p_adjust_name(PAdjust method);

}  // namespace lg::compare
