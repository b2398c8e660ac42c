// Hodges–Lehmann shift and its Mann–Whitney confidence interval. Reference values:
// - partition counts of the U null distribution (Mann & Whitney 1947), written out below;
// - the exact tail of scipy.stats.mannwhitneyu's documented example (p = 2·7/126);
// - critical values of the two-sided 5% Mann–Whitney table (U <= 2 for 5 vs 5, U <= 8 for
//   5 vs 10, U <= 127 for 20 vs 20), which fix the rank k of the interval's lower bound;
// - Hollander & Wolfe (1973, p. 69f; the example of R's ?wilcox.test): permeability of the
//   chorioamnion, W = 35 and one-sided p = 0.1272 as R prints; its 50 pairwise differences are
//   listed sorted in the test, from which D_(9), D_(42) and the median are read off;
// - normal quantiles as printed by Python's statistics.NormalDist().inv_cdf (Wichura's AS241);
// - hand computations, spelled out next to each assertion.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <vector>

#include "harness/compare/effect.hpp"
#include "harness/compare/mann_whitney.hpp"

namespace lg::compare {
namespace {

std::vector<double> range(double from, int count, double step = 1.0) {
  std::vector<double> v;
  for (int i = 0; i < count; ++i) v.push_back(from + step * i);
  return v;
}

TEST(UNullPmf, CountsAreThePartitionsThatFitTheBox) {
  // 5 vs 5: #orderings with U = u is the number of partitions of u into at most 5 parts of at
  // most 5: 1, 1, 2, 3, 5, 7 for u = 0..5 (e.g. 5 = 5, 4+1, 3+2, 3+1+1, 2+2+1, 2+1+1+1,
  // 1+1+1+1+1); C(10, 5) = 252 orderings in all.
  const auto pmf = u_null_pmf(5, 5);
  ASSERT_EQ(pmf.size(), 26u);
  const double expected[] = {1, 1, 2, 3, 5, 7};
  for (int u = 0; u < 6; ++u) EXPECT_NEAR(pmf[u] * 252.0, expected[u], 1e-9) << "u = " << u;
  EXPECT_NEAR(std::accumulate(pmf.begin(), pmf.end(), 0.0), 1.0, 1e-12);
  for (std::size_t u = 0; u < pmf.size(); ++u) EXPECT_NEAR(pmf[u], pmf[25 - u], 1e-15);
  // 1 vs n: U is uniform on 0..n.
  for (double p : u_null_pmf(1, 7)) EXPECT_NEAR(p, 1.0 / 8.0, 1e-15);
}

TEST(UNullPmf, UpperTailMatchesScipysDocumentedExactTest) {
  // scipy.stats.mannwhitneyu docs: 5 vs 4 values, U1 = 17, exact two-sided p = 2 · 7/126.
  const auto pmf = u_null_pmf(5, 4);
  double tail = 0;
  for (std::size_t u = 17; u < pmf.size(); ++u) tail += pmf[u];
  EXPECT_NEAR(tail, 7.0 / 126.0, 1e-15);
}

TEST(UNullPmf, AgreesWithMannWhitneysOwnExactDistribution) {
  // Two independent computations (this recursion, mann_whitney's Gaussian binomial) of the same
  // distribution: the one-sided exact p of mann_whitney_u is the pmf's upper tail at U1.
  const std::vector<double> x = {0.3, 2.2, 4.1, 5.9, 8.4, 9.0, 11.7};
  const std::vector<double> y = {1.0, 1.5, 3.3, 6.6, 7.2, 10.1, 12.8, 13.5, 14.2};
  const auto u = mann_whitney_u(x, y, Alternative::kGreater, UMethod::kExact);
  ASSERT_TRUE(u.exact);
  const auto pmf = u_null_pmf(x.size(), y.size());
  double tail = 0;
  for (std::size_t v = static_cast<std::size_t>(u.u1); v < pmf.size(); ++v) tail += pmf[v];
  EXPECT_NEAR(tail, u.p_value, 1e-13);
}

TEST(UNullPmf, LargestExactSizeStaysANormalisedSymmetricDistribution) {
  // 50 vs 50: C(100, 50) ≈ 1.0e29 orderings, beyond exact integers in a double; the recursion
  // only adds, so the probabilities still sum to 1 and stay symmetric. Mean mn/2 = 1250,
  // variance mn(N+1)/12 = 2500·101/12 (Mann & Whitney 1947).
  const auto pmf = u_null_pmf(50, 50);
  ASSERT_EQ(pmf.size(), 2501u);
  double sum = 0, mean = 0, var = 0;
  for (std::size_t u = 0; u < pmf.size(); ++u) {
    sum += pmf[u];
    mean += static_cast<double>(u) * pmf[u];
  }
  for (std::size_t u = 0; u < pmf.size(); ++u) {
    var += (static_cast<double>(u) - mean) * (static_cast<double>(u) - mean) * pmf[u];
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(mean, 1250.0, 1e-8);
  EXPECT_NEAR(var, 2500.0 * 101.0 / 12.0, 1e-6);
  EXPECT_NEAR(pmf[0], 1.0 / 1.008913445455642e29, 1e-40);  // 1 / C(100, 50)
}

TEST(UNullPmf, RejectsEmptyAndOversizedSamples) {
  EXPECT_THROW(u_null_pmf(0, 3), std::invalid_argument);
  EXPECT_THROW(u_null_pmf(3, 0), std::invalid_argument);
  EXPECT_THROW(u_null_pmf(51, 3), std::invalid_argument);
}

TEST(NormalQuantile, MatchesPublishedQuantiles) {
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400536, 1e-14);
  EXPECT_NEAR(normal_quantile(0.995), 2.5758293035489, 1e-13);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-12);  // the far-tail branch
  EXPECT_NEAR(normal_quantile(0.01), -normal_quantile(0.99), 1e-14);
  EXPECT_THROW(normal_quantile(0.0), std::invalid_argument);
  EXPECT_THROW(normal_quantile(1.0), std::invalid_argument);
  EXPECT_THROW(normal_quantile(std::nan("")), std::invalid_argument);
}

TEST(Median, OddEvenAndErrors) {
  EXPECT_DOUBLE_EQ(median({5, 1, 3}), 3.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({7}), 7.0);
  EXPECT_THROW(median({}), std::invalid_argument);
  EXPECT_THROW(median({1.0, std::nan("")}), std::invalid_argument);
}

TEST(HodgesLehmann, FiveAgainstFiveByHand) {
  // y_j - x_i = j - i + 5 for x = 1..5, y = 6..10: the values 1..9 occur 1,2,3,4,5,4,3,2,1
  // times. Median (13th of 25) = 5. Two-sided 5% table: U <= 2 rejects (P = 4/252 per tail),
  // so k = 3 and the interval is [D_(3), D_(23)] = [2, 8] with level 1 - 8/252.
  const auto r = hodges_lehmann(range(1, 5), range(6, 5));
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.estimate, 5.0);
  ASSERT_TRUE(r.ci);
  EXPECT_EQ(r.k, 3u);
  EXPECT_DOUBLE_EQ(r.ci->lower, 2.0);
  EXPECT_DOUBLE_EQ(r.ci->upper, 8.0);
  EXPECT_NEAR(r.ci->level, 1.0 - 8.0 / 252.0, 1e-15);
  EXPECT_NEAR(r.reachable_level, 1.0 - 2.0 / 252.0, 1e-15);
  EXPECT_EQ(r.m, 5u);
  EXPECT_EQ(r.n, 5u);
}

TEST(HodgesLehmann, HollanderWolfePermeabilityExample) {
  // Hollander & Wolfe (1973) p. 69: term (x) vs 12-26 weeks (y); R: W = 35, p(greater) = 0.1272.
  const std::vector<double> x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  const std::vector<double> y = {1.15, 0.88, 0.90, 0.74, 1.21};
  ASSERT_NEAR(mann_whitney_u(x, y, Alternative::kGreater).p_value, 0.1272, 5e-5);
  // The 50 differences y - x, sorted (by hand from the data):
  // -1.17 -1.15 -1.03 -1.01 -1.01 -0.99 -0.90 -0.76 [-0.76] -0.74 -0.74 -0.72 -0.71 -0.70 -0.68
  // -0.64 -0.58 -0.57 -0.56 -0.55 -0.50 -0.49 -0.48 -0.43 [-0.31 -0.30] -0.30 -0.25 -0.24 -0.23
  // -0.17 -0.16 -0.14 -0.09 -0.06 0.01 0.05 0.07 0.08 0.10 0.11 [0.15] 0.17 0.17 0.32 0.35 0.38
  // 0.41 0.42 0.48
  // Median = (D_(25) + D_(26)) / 2 = -0.305 (H&W's estimate 0.305 is x - y). Two-sided 5% table
  // for 5 vs 10: U <= 8 rejects, P(U <= 8) = 60/3003; so k = 9: [D_(9), D_(42)] = [-0.76, 0.15].
  const auto r = hodges_lehmann(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.estimate, -0.305, 1e-12);
  ASSERT_TRUE(r.ci);
  EXPECT_EQ(r.k, 9u);
  EXPECT_NEAR(r.ci->lower, -0.76, 1e-12);
  EXPECT_NEAR(r.ci->upper, 0.15, 1e-12);
  EXPECT_NEAR(r.ci->level, 1.0 - 120.0 / 3003.0, 1e-14);
}

TEST(HodgesLehmann, ThreeTrialsEachCannotReachNinetyFivePercent) {
  // 3 vs 3: C(6, 3) = 20 orderings; even [D_(1), D_(9)] misses with P = 2/20, so at most 90%.
  const std::vector<double> x = {10, 11, 12}, y = {13, 15, 17};
  const auto r = hodges_lehmann(x, y, 0.05);
  EXPECT_TRUE(r.exact);
  EXPECT_FALSE(r.ci);
  EXPECT_EQ(r.k, 0u);
  EXPECT_NEAR(r.reachable_level, 0.9, 1e-15);
  EXPECT_DOUBLE_EQ(r.estimate, 4.0);  // differences 1..7: {1,3,5,2,4,6,3,5,7}, median 4
  // At α = 0.10 the whole range attains exactly 90%: an interval, not a refusal.
  const auto loose = hodges_lehmann(x, y, 0.10);
  ASSERT_TRUE(loose.ci);
  EXPECT_EQ(loose.k, 1u);
  EXPECT_DOUBLE_EQ(loose.ci->lower, 1.0);
  EXPECT_DOUBLE_EQ(loose.ci->upper, 7.0);
  EXPECT_NEAR(loose.ci->level, 0.9, 1e-15);
}

TEST(HodgesLehmann, FourTrialsEachReachOnlyTheFullRange) {
  // 4 vs 4: P(U <= 0) = 1/70 (2/70 = 0.029 <= 0.05), P(U <= 1) = 2/70 (0.057 > 0.05): k = 1.
  const auto r = hodges_lehmann({1, 2, 3, 4}, {2.5, 4.5, 6.5, 8.5});
  ASSERT_TRUE(r.ci);
  EXPECT_EQ(r.k, 1u);
  EXPECT_DOUBLE_EQ(r.ci->lower, -1.5);
  EXPECT_DOUBLE_EQ(r.ci->upper, 7.5);
  EXPECT_NEAR(r.ci->level, 1.0 - 2.0 / 70.0, 1e-15);
}

TEST(HodgesLehmann, NormalApproximationForLargeSamplesByHand) {
  // 60 vs 60 (> 50: approximation). x = 1..60, y = x + 0.5: D = (j - i) + 0.5, with d = j - i
  // taking the value d 60 - |d| times. σ = sqrt(3600·121/12) = 190.5256; z = 1.959964;
  // k = floor(1800 - 373.4237 + 0.5) = 1427. Counts from d = -59 upwards sum to r(r+1)/2:
  // 1378 at r = 52, 1431 at r = 53, so D_(1427) has d = -7 (D = -6.5) and by symmetry
  // D_(2174) has d = 7 (D = 7.5). Median: d = 0, D = 0.5.
  const auto r = hodges_lehmann(range(1, 60), range(1.5, 60));
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.estimate, 0.5);
  ASSERT_TRUE(r.ci);
  EXPECT_EQ(r.k, 1427u);
  EXPECT_DOUBLE_EQ(r.ci->lower, -6.5);
  EXPECT_DOUBLE_EQ(r.ci->upper, 7.5);
  EXPECT_DOUBLE_EQ(r.ci->level, 0.95);
  EXPECT_GT(r.reachable_level, 0.999999);
}

TEST(HodgesLehmann, ExactAndApproximateRankAgreeWithThePublishedTableAtTwentyEach) {
  // Two-sided 5% table, 20 vs 20: U <= 127 rejects, so k = 128. Normal approximation:
  // σ = sqrt(400·41/12) = 36.968, k = floor(200 - 72.456 + 0.5) = 128.
  const auto x = range(0.25, 20, 1.0), y = range(0.0, 20, 1.1);
  const auto exact = hodges_lehmann(x, y, 0.05, UMethod::kExact);
  const auto approx = hodges_lehmann(x, y, 0.05, UMethod::kAsymptotic);
  EXPECT_TRUE(exact.exact);
  EXPECT_FALSE(approx.exact);
  ASSERT_TRUE(exact.ci && approx.ci);
  EXPECT_EQ(exact.k, 128u);
  EXPECT_EQ(approx.k, 128u);
  EXPECT_GE(exact.ci->level, 0.95);
  EXPECT_LT(exact.ci->level, 0.96);
}

TEST(HodgesLehmann, TiesWithinASampleUseTheTieCorrectedApproximation) {
  // x = {1,1,2}, y = {3,3,4}: a pair tied in each sample, Σ(t³-t) = 12, N = 6.
  // σ² = 9/12·(7 - 12/30) = 4.95, σ = 2.2249; k = floor(4.5 - 1.96·2.2249 + 0.5) = 0: no
  // interval. Reachable: k >= 1 needs z <= 4/2.2249 = 1.7979, level 2Φ(1.7979) - 1 = 0.9278.
  const auto r = hodges_lehmann({1, 1, 2}, {3, 3, 4});
  EXPECT_FALSE(r.exact);
  EXPECT_FALSE(r.ci);
  EXPECT_NEAR(r.reachable_level, 0.9278, 5e-4);
  EXPECT_DOUBLE_EQ(r.estimate, 2.0);  // differences {2,2,3,2,2,3,1,1,2}
  // At α = 0.2 (z = 1.2816): k = floor(4.5 - 2.8514 + 0.5) = 2: [D_(2), D_(8)] = [1, 3].
  const auto loose = hodges_lehmann({1, 1, 2}, {3, 3, 4}, 0.2);
  ASSERT_TRUE(loose.ci);
  EXPECT_EQ(loose.k, 2u);
  EXPECT_DOUBLE_EQ(loose.ci->lower, 1.0);
  EXPECT_DOUBLE_EQ(loose.ci->upper, 3.0);
}

TEST(HodgesLehmann, TiesBetweenSamplesKeepTheExactDistribution) {
  // 3, 4 and 5 occur in both samples, never twice in one: at every shift but the isolated
  // tying ones the ranks are untied, so the exact k (3, as for any 5 vs 5) still holds.
  const auto r = hodges_lehmann({1, 2, 3, 4, 5}, {3, 4, 5, 6, 7});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.k, 3u);
  EXPECT_DOUBLE_EQ(r.estimate, 2.0);
}

TEST(HodgesLehmann, MethodsAreHonoured) {
  const auto x = range(1, 6), y = range(3.5, 7);
  EXPECT_TRUE(hodges_lehmann(x, y, 0.05, UMethod::kAuto).exact);
  EXPECT_FALSE(hodges_lehmann(x, y, 0.05, UMethod::kAsymptotic).exact);
  // kExact ignores ties (as mann_whitney_u does) but not the size limit.
  EXPECT_TRUE(hodges_lehmann({1, 1, 2, 3}, {2, 4, 4, 5}, 0.05, UMethod::kExact).exact);
  EXPECT_FALSE(hodges_lehmann(range(1, 51), y, 0.05, UMethod::kExact).exact);
  EXPECT_TRUE(hodges_lehmann(range(1, 50), y, 0.05, UMethod::kAuto).exact);
}

// Samples for the properties: an exact case, an approximate one with ties, a lopsided one.
struct Case {
  std::vector<double> x, y;
};
std::vector<Case> property_cases() {
  return {
      {{12.1, 9.8, 11.4, 10.2, 13.0, 10.9, 12.6}, {13.3, 11.9, 14.8, 12.2, 15.1, 13.7}},
      {{5, 5, 6, 7, 7, 7, 8, 9, 9, 10, 11, 12}, {6, 7, 8, 8, 9, 10, 10, 10, 12, 13, 14}},
      {range(0.5, 70, 0.37), {30, 31.5, 29.25, 33, 28, 35.5, 32.75, 30.5}},
  };
}

TEST(HodgesLehmann, IntervalContainsTheEstimate) {
  for (const auto& c : property_cases()) {
    for (double alpha : {0.5, 0.2, 0.1, 0.05, 0.01}) {
      const auto r = hodges_lehmann(c.x, c.y, alpha);
      ASSERT_TRUE(r.ci) << "alpha " << alpha;
      EXPECT_LE(r.ci->lower, r.estimate);
      EXPECT_GE(r.ci->upper, r.estimate);
      EXPECT_GE(r.ci->level, 1.0 - alpha - 1e-12);
    }
  }
}

TEST(HodgesLehmann, IntervalWidensAsAlphaShrinks) {
  for (const auto& c : property_cases()) {
    std::optional<ConfidenceInterval> prev;
    std::size_t prev_k = 0;
    for (double alpha : {0.5, 0.2, 0.1, 0.05, 0.01}) {
      const auto r = hodges_lehmann(c.x, c.y, alpha);
      ASSERT_TRUE(r.ci);
      if (prev) {
        EXPECT_LE(r.k, prev_k);
        EXPECT_LE(r.ci->lower, prev->lower);
        EXPECT_GE(r.ci->upper, prev->upper);
        EXPECT_GE(r.ci->level, prev->level);
      }
      prev = r.ci;
      prev_k = r.k;
    }
  }
}

TEST(HodgesLehmann, ShiftingTheCandidateShiftsEstimateAndInterval) {
  for (const auto& c : property_cases()) {
    for (double shift : {3.25, -17.5, 0.001}) {
      auto y = c.y;
      for (double& v : y) v += shift;
      const auto a = hodges_lehmann(c.x, c.y), b = hodges_lehmann(c.x, y);
      ASSERT_TRUE(a.ci && b.ci);
      EXPECT_EQ(a.exact, b.exact);
      EXPECT_EQ(a.k, b.k);
      EXPECT_NEAR(b.estimate, a.estimate + shift, 1e-9);
      EXPECT_NEAR(b.ci->lower, a.ci->lower + shift, 1e-9);
      EXPECT_NEAR(b.ci->upper, a.ci->upper + shift, 1e-9);
    }
  }
}

TEST(HodgesLehmann, SwappingTheSamplesMirrorsTheResult) {
  for (const auto& c : property_cases()) {
    const auto a = hodges_lehmann(c.x, c.y), b = hodges_lehmann(c.y, c.x);
    ASSERT_TRUE(a.ci && b.ci);
    EXPECT_DOUBLE_EQ(b.estimate, -a.estimate);
    EXPECT_DOUBLE_EQ(b.ci->lower, -a.ci->upper);
    EXPECT_DOUBLE_EQ(b.ci->upper, -a.ci->lower);
    EXPECT_DOUBLE_EQ(b.ci->level, a.ci->level);
  }
}

TEST(HodgesLehmann, IdenticalSamplesGiveZeroShiftInsideTheInterval) {
  const std::vector<double> x = {3.1, 4.7, 2.2, 5.9, 3.8, 4.4};
  const auto r = hodges_lehmann(x, x);
  EXPECT_DOUBLE_EQ(r.estimate, 0.0);
  ASSERT_TRUE(r.ci);
  EXPECT_LT(r.ci->lower, 0.0);
  EXPECT_GT(r.ci->upper, 0.0);
}

TEST(HodgesLehmann, RejectsBadInput) {
  const std::vector<double> ok = {1, 2, 3};
  EXPECT_THROW(hodges_lehmann({}, ok), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann(ok, {}), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann({1, std::nan("")}, ok), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann(ok, {std::numeric_limits<double>::infinity()}),
               std::invalid_argument);
  EXPECT_THROW(hodges_lehmann(ok, ok, 0.0), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann(ok, ok, 1.0), std::invalid_argument);
  EXPECT_THROW(hodges_lehmann(ok, ok, std::nan("")), std::invalid_argument);
}

TEST(RelativeShift, DividesByTheBaselineMedian) {
  // 5 vs 5 by hand above: shift 5 [2, 8]; baseline median 3 -> 5/3 [2/3, 8/3].
  const auto hl = hodges_lehmann(range(1, 5), range(6, 5));
  const auto rel = relative_shift(hl, median(range(1, 5)));
  ASSERT_TRUE(rel);
  EXPECT_DOUBLE_EQ(rel->estimate, 5.0 / 3.0);
  ASSERT_TRUE(rel->ci);
  EXPECT_DOUBLE_EQ(rel->ci->lower, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(rel->ci->upper, 8.0 / 3.0);
  EXPECT_DOUBLE_EQ(rel->ci->level, hl.ci->level);
  EXPECT_FALSE(relative_shift(hl, 0.0));
  EXPECT_FALSE(relative_shift(hl, -3.0));
  EXPECT_FALSE(relative_shift(hl, std::numeric_limits<double>::infinity()));
  // No interval stays no interval.
  const auto tiny = hodges_lehmann({10, 11, 12}, {13, 15, 17});
  const auto rel_tiny = relative_shift(tiny, 11.0);
  ASSERT_TRUE(rel_tiny);
  EXPECT_DOUBLE_EQ(rel_tiny->estimate, 4.0 / 11.0);
  EXPECT_FALSE(rel_tiny->ci);
}

}  // namespace
}  // namespace lg::compare
