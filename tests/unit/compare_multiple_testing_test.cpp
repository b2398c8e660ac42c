// Holm and Benjamini–Hochberg adjusted p-values. Reference values: the 15 p-values of
// Benjamini & Hochberg (1995), section 4 (Neuhaus et al.'s thrombolysis trial), where the paper
// rejects 4 hypotheses with the FDR procedure at q = 0.05 against 3 with Bonferroni-type
// control; and a 4-test family worked by hand. Each adjusted value is derived in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "harness/compare/multiple_testing.hpp"

namespace lg::compare {
namespace {

std::size_t count_at_most(const std::vector<double>& adjusted, double alpha) {
  return static_cast<std::size_t>(
      std::count_if(adjusted.begin(), adjusted.end(), [&](double p) { return p <= alpha; }));
}

TEST(PAdjust, SmallFamilyByHandInOriginalOrder) {
  // Sorted: 0.005 (#3), 0.01 (#0), 0.03 (#2), 0.04 (#1); m = 4.
  // Holm: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, 1·0.04 = 0.04 -> running max 0.06.
  // BH from the top: 0.04·4/4 = 0.04, 0.03·4/3 = 0.04, 0.01·4/2 = 0.02, 0.005·4/1 = 0.02.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const auto holm = adjust_p_values(p, PAdjust::kHolm);
  const auto bh = adjust_p_values(p, PAdjust::kBenjaminiHochberg);
  const std::vector<double> holm_expected = {0.03, 0.06, 0.06, 0.02};
  const std::vector<double> bh_expected = {0.02, 0.04, 0.04, 0.02};
  ASSERT_EQ(holm.size(), 4u);
  ASSERT_EQ(bh.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(holm[i], holm_expected[i], 1e-15) << i;
    EXPECT_NEAR(bh[i], bh_expected[i], 1e-15) << i;
  }
}

// Benjamini & Hochberg (1995), section 4, in a shuffled order; `rank` maps back to the paper's.
const std::vector<double> kPaper = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
                                    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000};
const std::vector<std::size_t> kShuffle = {9, 3, 14, 0, 6, 11, 1, 8, 4, 13, 2, 10, 7, 12, 5};

std::vector<double> shuffled() {
  std::vector<double> p;
  for (std::size_t i : kShuffle) p.push_back(kPaper[i]);
  return p;
}

TEST(PAdjust, BenjaminiHochbergPaperExample) {
  // m/j · p_(j) for j = 1..15: 0.0015 0.003 0.0095 0.035625 0.0603 0.0695 0.0638571 0.0645
  // 0.0765 0.486 0.5811818 0.714875 0.7532308 0.8132143 1; the running minimum from the top
  // lowers only j = 6 (to 0.0638571).
  const std::vector<double> expected = {0.0015,    0.003,     0.0095,    0.035625,  0.0603,
                                        0.0638571, 0.0638571, 0.0645,    0.0765,    0.486,
                                        0.5811818, 0.714875,  0.7532308, 0.8132143, 1.0};
  const auto adj = adjust_p_values(shuffled(), PAdjust::kBenjaminiHochberg);
  for (std::size_t i = 0; i < kShuffle.size(); ++i) {
    EXPECT_NEAR(adj[i], expected[kShuffle[i]], 1e-7) << "paper rank " << kShuffle[i] + 1;
  }
  EXPECT_EQ(count_at_most(adj, 0.05), 4u);  // the paper's four rejections
}

TEST(PAdjust, HolmOnThePaperExample) {
  // (m - j + 1)·p_(j): 0.0015 0.0056 0.0247 0.114 0.2211 0.278 0.2682 0.2752 0.3213 1.944 …;
  // running maximum: j = 7, 8 rise to 0.278; from j = 10 on, capped at 1.
  const std::vector<double> expected = {0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278,
                                        0.3213, 1,      1,      1,     1,      1,     1};
  const auto adj = adjust_p_values(shuffled(), PAdjust::kHolm);
  for (std::size_t i = 0; i < kShuffle.size(); ++i) {
    EXPECT_NEAR(adj[i], expected[kShuffle[i]], 1e-12) << "paper rank " << kShuffle[i] + 1;
  }
  // Holm rejects p_(j) <= 0.05/(m-j+1) step by step: 0.0001, 0.0004, 0.0019, then 0.0095 >
  // 0.05/12 stops it — the three the paper's Bonferroni-type procedures find.
  EXPECT_EQ(count_at_most(adj, 0.05), 3u);
}

TEST(PAdjust, SingleTestIsUnchangedAndEmptyFamilyIsEmpty) {
  for (auto method : {PAdjust::kHolm, PAdjust::kBenjaminiHochberg}) {
    EXPECT_EQ(adjust_p_values({0.037}, method), std::vector<double>{0.037});
    EXPECT_TRUE(adjust_p_values({}, method).empty());
  }
}

TEST(PAdjust, EqualPValuesGetEqualAdjustedValues) {
  // Holm: 2·0.01 = 0.02, then 1·0.01 = 0.01 raised to 0.02. BH: 0.01·2/2 = 0.01 both.
  const auto holm = adjust_p_values({0.01, 0.01}, PAdjust::kHolm);
  EXPECT_DOUBLE_EQ(holm[0], 0.02);
  EXPECT_DOUBLE_EQ(holm[1], 0.02);
  const auto bh = adjust_p_values({0.01, 0.01}, PAdjust::kBenjaminiHochberg);
  EXPECT_DOUBLE_EQ(bh[0], 0.01);
  EXPECT_DOUBLE_EQ(bh[1], 0.01);
}

TEST(PAdjust, CappedAtOne) {
  for (auto method : {PAdjust::kHolm, PAdjust::kBenjaminiHochberg}) {
    for (double v : adjust_p_values({0.6, 0.7, 0.9, 1.0}, method)) EXPECT_LE(v, 1.0);
  }
  EXPECT_DOUBLE_EQ(adjust_p_values({0.6, 0.7}, PAdjust::kHolm)[0], 1.0);  // 2·0.6 -> 1
}

TEST(PAdjust, PropertiesOnRandomFamilies) {
  std::mt19937_64 rng(20261203);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int family = 0; family < 200; ++family) {
    const std::size_t m = 1 + static_cast<std::size_t>(family % 40);
    std::vector<double> p(m);
    // A few strong signals among nulls, and some exact duplicates.
    for (auto& v : p) v = unit(rng) < 0.3 ? std::pow(unit(rng), 6) : unit(rng);
    if (m > 3) p[m - 1] = p[0];
    const auto holm = adjust_p_values(p, PAdjust::kHolm);
    const auto bh = adjust_p_values(p, PAdjust::kBenjaminiHochberg);
    for (std::size_t i = 0; i < m; ++i) {
      EXPECT_GE(holm[i], p[i]);
      EXPECT_GE(bh[i], p[i]);
      EXPECT_LE(holm[i], 1.0);
      EXPECT_LE(bh[i], 1.0);
      EXPECT_LE(bh[i], holm[i]);  // FDR control never asks for more evidence than FWER
      // Holm never exceeds plain Bonferroni, m·p.
      EXPECT_LE(holm[i], std::min(1.0, static_cast<double>(m) * p[i]) + 1e-15);
      for (std::size_t j = 0; j < m; ++j) {
        if (p[i] <= p[j]) {
          EXPECT_LE(holm[i], holm[j]);
          EXPECT_LE(bh[i], bh[j]);
        }
      }
    }
    // Rejections at α nest: Holm's are a subset of BH's.
    for (double alpha : {0.01, 0.05, 0.1}) {
      EXPECT_LE(count_at_most(holm, alpha), count_at_most(bh, alpha));
    }
  }
}

TEST(PAdjust, RejectsInvalidPValues) {
  for (auto method : {PAdjust::kHolm, PAdjust::kBenjaminiHochberg}) {
    EXPECT_THROW(adjust_p_values({0.1, -0.01}, method), std::invalid_argument);
    EXPECT_THROW(adjust_p_values({1.5}, method), std::invalid_argument);
    EXPECT_THROW(adjust_p_values({std::nan("")}, method), std::invalid_argument);
  }
}

TEST(PAdjust, Names) {
  EXPECT_STREQ(p_adjust_name(PAdjust::kHolm), "holm");
  EXPECT_STREQ(p_adjust_name(PAdjust::kBenjaminiHochberg), "bh");
}

}  // namespace
}  // namespace lg::compare
