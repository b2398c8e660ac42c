// Mann–Whitney U against published values. Sources: the example of scipy.stats.mannwhitneyu's
// documentation (Shier 2004, diagnosis ages), and values printed by scipy 1.10.1
// (`scipy.stats.mannwhitneyu(x, y, ...)`) for the other cases, each also derived by hand below.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "harness/compare/mann_whitney.hpp"

namespace lg::compare {
namespace {

const std::vector<double> kMales = {19, 22, 16, 29, 24};
const std::vector<double> kFemales = {20, 11, 17, 12};

TEST(MannWhitney, ExactSmallSamplesMatchScipyDocumentation) {
  // scipy docs: U1 = 17, exact two-sided p = 0.1111111111111111 (= 2 · 7/126).
  const auto r = mann_whitney_u(kMales, kFemales);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 17.0);
  EXPECT_NEAR(r.p_value, 0.1111111111111111, 1e-12);
}

TEST(MannWhitney, AsymptoticWithAndWithoutContinuityMatchScipy) {
  // scipy docs: method="asymptotic" gives 0.11134688653314041; use_continuity=False gives
  // 0.0864107329737. By hand: z = (17 - 10 - 0.5) / sqrt(20 · 10 / 12) = 1.5922.
  const auto with = mann_whitney_u(kMales, kFemales, Alternative::kTwoSided, UMethod::kAsymptotic);
  EXPECT_FALSE(with.exact);
  EXPECT_NEAR(with.p_value, 0.11134688653314041, 1e-12);
  const auto without =
      mann_whitney_u(kMales, kFemales, Alternative::kTwoSided, UMethod::kAsymptotic, false);
  EXPECT_NEAR(without.p_value, 0.0864107329737, 1e-12);
}

TEST(MannWhitney, OneSidedExactMatchesScipyDocumentation) {
  // scipy docs: mannwhitneyu(females, males, alternative="less") -> statistic 3, p 0.0555…
  const auto r = mann_whitney_u(kFemales, kMales, Alternative::kLess);
  EXPECT_DOUBLE_EQ(r.u1, 3.0);
  EXPECT_NEAR(r.p_value, 0.05555555555555555, 1e-12);
  // The other direction has the complementary evidence: P(U >= 3) for U of females.
  EXPECT_GT(mann_whitney_u(kFemales, kMales, Alternative::kGreater).p_value, 0.9);
}

TEST(MannWhitney, TiesUseAverageRanksAndTieCorrectedVariance) {
  // Sorted: 1x 2x 2x 2y 3x 3y 3y 4x 4y 5y 6y. Average ranks: 1; 2,2,2 -> 3; 3,3,3 -> 6;
  // 4,4 -> 8.5; 10; 11. R_x = 1 + 3 + 3 + 6 + 8.5 = 21.5, U1 = 21.5 - 15 = 6.5.
  // Tie term = (27-3) + (27-3) + (8-2) = 54; sigma = sqrt(30/12 · (12 - 54/110)) = 5.3641;
  // z = (6.5 - 15 + 0.5) / 5.3641 = -1.4914; two-sided p = 0.1359.
  // scipy 1.10.1: statistic 6.5, pvalue 0.135851702216604 (ties -> asymptotic under "auto"),
  // alternative="less" 0.067925851108302, use_continuity=False 0.1130499788563229.
  const std::vector<double> x = {1, 2, 2, 3, 4}, y = {2, 3, 3, 4, 5, 6};
  const auto r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 6.5);
  EXPECT_NEAR(r.p_value, 0.135851702216604, 1e-12);
  EXPECT_NEAR(mann_whitney_u(x, y, Alternative::kLess).p_value, 0.067925851108302, 1e-12);
  EXPECT_NEAR(mann_whitney_u(x, y, Alternative::kTwoSided, UMethod::kAuto, false).p_value,
              0.1130499788563229, 1e-12);
}

TEST(MannWhitney, LargeSeparatedSamplesUseNormalApproximation) {
  // Both samples > 8 -> asymptotic. scipy 1.10.1: statistic 0, pvalue 0.00018267179110955002.
  std::vector<double> x, y;
  for (int i = 1; i <= 10; ++i) {
    x.push_back(i);
    y.push_back(10 + i);
  }
  const auto r = mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 0.0);
  EXPECT_NEAR(r.p_value, 0.00018267179110955002, 1e-12);
}

TEST(MannWhitney, FiveAgainstFiveCanReachFivePercent) {
  // Fully separated 5 vs 5: exact p = 2 / C(10, 5) = 2/252 = 0.007936507936507936 (scipy
  // 1.10.1 agrees); one-sided 1/252. This is why the gate's minimum of 5 samples can judge.
  const std::vector<double> low = {1, 2, 3, 4, 5}, high = {6, 7, 8, 9, 10};
  EXPECT_NEAR(mann_whitney_u(low, high).p_value, 2.0 / 252.0, 1e-15);
  EXPECT_NEAR(mann_whitney_u(low, high, Alternative::kLess).p_value, 1.0 / 252.0, 1e-15);
}

TEST(MannWhitney, SwappingSamplesMirrorsTheStatistic) {
  const auto a = mann_whitney_u(kMales, kFemales);
  const auto b = mann_whitney_u(kFemales, kMales);
  EXPECT_DOUBLE_EQ(a.u1 + b.u1, 20.0);
  EXPECT_DOUBLE_EQ(a.p_value, b.p_value);
}

TEST(MannWhitney, ExactAndAsymptoticAgreeOnModerateSamples) {
  // 8 vs 12 without ties: the exact tail and its continuity-corrected normal approximation
  // differ by well under 0.01 (Mann & Whitney 1947: the approximation is good from 8 up).
  const std::vector<double> x = {1.1, 2.3, 3.5, 4.2, 6.8, 9.9, 12.5, 14.0};
  const std::vector<double> y = {2.0,  5.1,  7.7,  8.3,  10.4, 11.2,
                                 13.3, 15.6, 16.1, 17.9, 18.2, 19.5};
  const auto exact = mann_whitney_u(x, y, Alternative::kTwoSided, UMethod::kExact);
  const auto approx = mann_whitney_u(x, y, Alternative::kTwoSided, UMethod::kAsymptotic);
  ASSERT_TRUE(exact.exact);
  EXPECT_NEAR(exact.p_value, approx.p_value, 0.01);
}

TEST(MannWhitney, ExactFallsBackWhenArrangementsOverflowADouble) {
  // C(8 + 200, 8) ≈ 4.6e13 fits; C(8 + 20000, 8) does not: the approximation takes over.
  std::vector<double> small = {1, 2, 3, 4, 5, 6, 7, 8}, big;
  for (int i = 0; i < 20000; ++i) big.push_back(100 + i);
  EXPECT_FALSE(mann_whitney_u(small, big).exact);
  big.resize(200);
  EXPECT_TRUE(mann_whitney_u(small, big).exact);
}

TEST(MannWhitney, AllTiedGivesNoEvidence) {
  // scipy 1.10.1: mannwhitneyu([5]*6, [5]*7) -> statistic 21.0, pvalue 1.0.
  const auto r = mann_whitney_u(std::vector<double>(6, 5.0), std::vector<double>(7, 5.0));
  EXPECT_DOUBLE_EQ(r.u1, 21.0);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

TEST(MannWhitney, RejectsEmptyAndNaNSamples) {
  EXPECT_THROW(mann_whitney_u({}, {1.0}), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u({1.0, std::nan("")}, {1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace lg::compare
