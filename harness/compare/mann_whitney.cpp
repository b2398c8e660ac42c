#include "harness/compare/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace lg::compare {
namespace {

struct Ranked {
  double rank_sum_x = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
  bool ties = false;
};

// Average ranks (1-based) of x ∪ y; ties share the mean of the ranks they span.
Ranked rank(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, bool>> all;  // value, from x
  all.reserve(x.size() + y.size());
  for (double v : x) all.emplace_back(v, true);
  for (double v : y) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Ranked r;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double avg = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (all[k].second) r.rank_sum_x += avg;
    }
    if (t > 1) {
      r.ties = true;
      r.tie_term += t * t * t - t;
    }
    i = j;
  }
  return r;
}

double binomial(std::size_t n, std::size_t k) {
  double c = 1;
  for (std::size_t i = 1; i <= k; ++i)
    c = c * static_cast<double>(n - k + i) / static_cast<double>(i);
  return c;
}

bool exact_allowed(std::size_t n1, std::size_t n2) {
  return binomial(n1 + n2, std::min(n1, n2)) <= kExactMaxArrangements;
}

// Number of rank arrangements giving each U = 0..n1·n2 under the null hypothesis: the
// coefficients of the Gaussian binomial [n1+n2 choose m]_q = prod_{i=1..m} (1-q^(n+i))/(1-q^i),
// m = min, n = max. Truncating at degree m·n is exact: neither multiplying by (1 - q^a) nor
// dividing by (1 - q^i) as a power series moves mass to lower degrees.
std::vector<double> u_counts(std::size_t n1, std::size_t n2) {
  const std::size_t m = std::min(n1, n2), n = std::max(n1, n2), top = m * n;
  std::vector<double> c(top + 1, 0.0);
  c[0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    for (std::size_t k = top + 1; k-- > n + i;) c[k] -= c[k - (n + i)];
    for (std::size_t k = i; k <= top; ++k) c[k] += c[k - i];
  }
  return c;
}

// P(U >= k) under the null hypothesis.
double exact_sf(std::size_t n1, std::size_t n2, double u) {
  const auto c = u_counts(n1, n2);
  const double total = std::accumulate(c.begin(), c.end(), 0.0);
  const auto k = static_cast<std::size_t>(std::max(0.0, std::floor(u)));
  double tail = 0;
  for (std::size_t i = k; i < c.size(); ++i) tail += c[i];
  return tail / total;
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double asymptotic_p(double u1, std::size_t n1, std::size_t n2, const Ranked& r, Alternative alt,
                    bool continuity) {
  const double a = static_cast<double>(n1), b = static_cast<double>(n2), n = a + b;
  const double sigma = std::sqrt(a * b / 12.0 * ((n + 1) - r.tie_term / (n * (n - 1))));
  if (!(sigma > 0)) return 1.0;  // every value tied
  double numerator = u1 - a * b / 2.0;
  if (continuity) {
    // The correction always moves toward the mean, i.e. raises the p-value (scipy).
    const double sign = alt == Alternative::kGreater ? 1.0
                        : alt == Alternative::kLess  ? -1.0
                                                     : (numerator > 0) - (numerator < 0);
    numerator -= 0.5 * sign;
  }
  const double z = numerator / sigma;
  switch (alt) {
    case Alternative::kGreater:
      return normal_sf(z);
    case Alternative::kLess:
      return normal_sf(-z);
    case Alternative::kTwoSided:
      break;
  }
  return 2.0 * normal_sf(std::abs(z));
}

}  // namespace

UTestResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y,
                           Alternative alternative, UMethod method, bool continuity) {
  if (x.empty() || y.empty()) throw std::invalid_argument("Mann-Whitney U: empty sample");
  auto has_nan = [](const std::vector<double>& v) {
    return std::any_of(v.begin(), v.end(), [](double d) { return std::isnan(d); });
  };
  if (has_nan(x) || has_nan(y)) throw std::invalid_argument("Mann-Whitney U: NaN in a sample");
  const std::size_t n1 = x.size(), n2 = y.size();
  const Ranked r = rank(x, y);
  UTestResult out;
  out.u1 = r.rank_sum_x - static_cast<double>(n1) * static_cast<double>(n1 + 1) / 2.0;
  const double u2 = static_cast<double>(n1) * static_cast<double>(n2) - out.u1;
  bool exact =
      method == UMethod::kExact || (method == UMethod::kAuto && !r.ties && (n1 <= 8 || n2 <= 8));
  exact = exact && exact_allowed(n1, n2);
  if (exact) {
    out.exact = true;
    // By symmetry of the null distribution every alternative is an upper tail (scipy).
    switch (alternative) {
      case Alternative::kGreater:
        out.p_value = exact_sf(n1, n2, out.u1);
        break;
      case Alternative::kLess:
        out.p_value = exact_sf(n1, n2, u2);
        break;
      case Alternative::kTwoSided:
        out.p_value = 2.0 * exact_sf(n1, n2, std::max(out.u1, u2));
        break;
    }
  } else {
    out.p_value = asymptotic_p(out.u1, n1, n2, r, alternative, continuity);
  }
  out.p_value = std::clamp(out.p_value, 0.0, 1.0);
  return out;
}

}  // namespace lg::compare
