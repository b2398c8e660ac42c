#pragma once
// Mann–Whitney U rank test of two independent samples, the significance test Google Benchmark's
// tools/gbench/report.py runs over repetitions (it calls scipy.stats.mannwhitneyu, two-sided).
// Written from scipy's documented definition (scipy.stats.mannwhitneyu, method "auto"): U1 from
// average ranks, an exact null distribution for small samples without ties, otherwise the normal
// approximation with tie correction and a 1/2 continuity correction.

#include <vector>

namespace lg::compare {

/// Alternative hypothesis about x relative to y (scipy's names).
enum class Alternative {
  kTwoSided,  ///< the distributions differ
  kLess,      ///< x is stochastically less than y
  kGreater,   ///< x is stochastically greater than y
};

/// How the p-value is computed.
enum class UMethod {
  kAuto,        ///< exact when allowed (see mann_whitney_u), else asymptotic
  kExact,       ///< exact null distribution of U; ignores ties, like scipy
  kAsymptotic,  ///< normal approximation with tie correction
};

/// Outcome of one test.
struct UTestResult {
  double u1 = 0;       ///< U statistic of x: rank sum of x minus n1(n1+1)/2
  double p_value = 1;  ///< in [0, 1]
  bool exact = false;  ///< true when the exact distribution was used
};

/// Largest number of equally likely rank arrangements, C(n1+n2, n1), for which the exact
/// distribution is computed: counts stay integers that a double holds exactly (2^53).
inline constexpr double kExactMaxArrangements = 9007199254740992.0;

/// Mann–Whitney U test of x against y. kAuto picks the exact distribution, as scipy does, when
/// there are no ties and one sample has at most 8 values, and additionally only while
/// C(n1+n2, n1) <= kExactMaxArrangements (scipy has no such cap; beyond it the normal
/// approximation is used). kExact beyond that cap also falls back to the approximation.
/// `continuity` applies the 1/2 correction of the asymptotic method (scipy's default).
/// When every value is tied the statistic carries no information and p = 1.
/// Throws std::invalid_argument when a sample is empty or holds a NaN.
UTestResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y,
                           Alternative alternative = Alternative::kTwoSided,
                           UMethod method = UMethod::kAuto, bool continuity = true);

}  // namespace lg::compare
