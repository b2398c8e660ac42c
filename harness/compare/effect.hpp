#pragma once
// Size of a change between two independent samples, with its uncertainty: the Hodges–Lehmann
// shift estimate and the distribution-free confidence interval obtained by inverting the
// Mann–Whitney (Wilcoxon rank-sum) test. `compare` reports "p95 +12% [+4%, +21%]" from these
// instead of a bare p-value: a change's size is what a tolerance is checked against.
//
// Sources: Hodges & Lehmann (1963), "Estimates of location based on rank tests"; Bauer (1972),
// "Constructing confidence sets using rank statistics", JASA 67; Hollander & Wolfe,
// "Nonparametric Statistical Methods" (2nd ed. 1999), section 4.3 (estimator, exact interval
// eq. 4.43 and its large-sample approximation eq. 4.45). Where R's wilcox.test(conf.int = TRUE)
// differs we say so at the function.

#include <cstddef>
#include <optional>
#include <vector>

#include "harness/compare/mann_whitney.hpp"

namespace lg::compare {

/// Largest size of either sample for which hodges_lehmann's kAuto uses the exact null
/// distribution of U (R's wilcox.test uses it below 50 per sample; we include 50).
inline constexpr std::size_t kExactShiftMaxPerSample = 50;

/// Null distribution of the Mann–Whitney U statistic for samples of m and n values without
/// ties: element u (0 <= u <= m·n) is P(U = u) when every one of the C(m+n, m) orderings of
/// the pooled sample is equally likely. Computed with the positive recursion
/// c(m, n, u) = c(m, n-1, u) + c(m-1, n, u-n) (Mann & Whitney 1947), so no cancellation: each
/// probability is accurate to a few ulps. Cost O(m²·n²) time, O(m²·n) memory. Throws
/// std::invalid_argument when m or n is 0 or either exceeds kExactShiftMaxPerSample.
std::vector<double> u_null_pmf(std::size_t m, std::size_t n);

/// Inverse of the standard normal distribution function: z with Φ(z) = p. Throws
/// std::invalid_argument unless 0 < p < 1. Accurate to about 1e-15 (Acklam's rational
/// approximation refined by Halley steps on std::erfc).
double normal_quantile(double p);

/// Median of a sample (mean of the two middle values when the size is even). Throws
/// std::invalid_argument when `v` is empty or holds a NaN.
double median(std::vector<double> v);

/// A two-sided confidence interval, in the units of the samples.
struct ConfidenceInterval {
  double lower = 0;
  double upper = 0;
  double level = 0;  ///< coverage: achieved (exact) or nominal 1 - α (normal approximation)
};

/// Hodges–Lehmann estimate of the shift from a baseline x to a candidate y.
struct ShiftEstimate {
  /// Median of the m·n pairwise differences y_j - x_i (mean of the middle two when m·n is
  /// even). Positive: the candidate is higher. Units of the samples (ms for latencies).
  double estimate = 0;
  /// [D_(k), D_(mn+1-k)] of the sorted differences D. nullopt when no interval reaches the
  /// requested level with these sample sizes (e.g. 3 vs 3 values at α = 0.05: even the whole
  /// range [D_(1), D_(9)] covers only 90%); see `reachable_level`.
  std::optional<ConfidenceInterval> ci;
  std::size_t k = 0;   ///< 1-based rank of the lower bound; 0 when ci is nullopt
  bool exact = false;  ///< k from the exact null distribution of U, else normal approximation
  /// Highest two-sided level these sample sizes can give at all (k = 1): exact
  /// 1 - 2/C(m+n, m), or its normal approximation. Tells a user how many trials are missing.
  double reachable_level = 0;
  std::size_t m = 0, n = 0;  ///< sizes of x and y
};

/// Hodges–Lehmann shift of y (candidate) relative to x (baseline) with a (1 - alpha) two-sided
/// confidence interval (Hollander & Wolfe 4.3; Bauer 1972).
///
/// k is the largest rank with P(U <= k-1) <= alpha/2 (and k <= (mn+1)/2, so the interval is
/// never reversed); the interval then covers the true shift with probability
/// 1 - 2·P(U <= k-1) >= 1 - alpha, reported as ci->level.
/// - Exact null distribution (u_null_pmf) under kAuto when both samples have at most
///   kExactShiftMaxPerSample values and neither has a tie within itself; under kExact within
///   the size limit whatever the ties (as mann_whitney_u's kExact); never under kAsymptotic.
///   This is R's qwilcox choice except when P(U <= k-1) equals alpha/2 exactly: R then takes
///   k-1 (a wider interval) although k already attains 1 - alpha.
/// - Otherwise the normal approximation with continuity correction (H&W eq. 4.45):
///   k = floor(mn/2 - z·σ + 1/2), z = Φ⁻¹(1 - alpha/2), σ² = mn/12·(N+1 - Σ(t³-t)/(N(N-1))),
///   N = m+n, summed over groups of t values tied within x or within y; ci->level is the
///   nominal 1 - alpha. Only within-sample ties enter: they persist at every hypothesised
///   shift, while ties between x and y occur only at isolated shifts, so the interval moves
///   exactly with a shift of y. R instead solves its tie-corrected statistic for the bounds
///   numerically, and takes a root of it as the estimate rather than the median of differences;
///   both invert the same test (not checked against R here: no R on the build machines).
/// Ties between x and y alone do not force the approximation (R's rule does): they do not change
/// the null distribution of the statistic at the shifts that bound the interval.
///
/// Costs O(m·n) memory for the differences. Throws std::invalid_argument when a sample is empty
/// or holds a NaN or an infinity, or alpha is not in (0, 1).
ShiftEstimate hodges_lehmann(const std::vector<double>& x, const std::vector<double>& y,
                             double alpha = 0.05, UMethod method = UMethod::kAuto);

/// A shift relative to the baseline's median: the fraction compare prints as a percentage.
struct RelativeShift {
  double estimate = 0;                   ///< shift.estimate / baseline_median
  std::optional<ConfidenceInterval> ci;  ///< bounds divided the same way; level unchanged
};

/// `shift` divided by `baseline_median` (e.g. median(x)). The median is treated as a known
/// constant: the bounds ignore its own sampling error, which scales them by about the median's
/// relative error (negligible for a change of a few percent, not for a doubling). nullopt unless
/// baseline_median > 0 and finite: latencies and throughputs are positive, and dividing by a
/// negative value would turn "worse" into "better".
std::optional<RelativeShift> relative_shift(const ShiftEstimate& shift, double baseline_median);

}  // namespace lg::compare
