#include "harness/compare/effect.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>

namespace lg::compare {
namespace {

// Number of orderings of the pooled sample giving U = u, for u = 0..m·n. Table cur[i] holds
// c(i, j, ·) for the current j; raising j by one only adds to existing counts (the recursion has
// no subtraction), so counts up to 2^53 are exact and larger ones carry only rounding error.
std::vector<double> u_null_counts(std::size_t m, std::size_t n) {
  if (m == 0 || n == 0) throw std::invalid_argument("U null distribution: empty sample");
  if (m > kExactShiftMaxPerSample || n > kExactShiftMaxPerSample) {
    throw std::invalid_argument("U null distribution: sample larger than the exact limit");
  }
  std::vector<std::vector<double>> cur(m + 1, std::vector<double>{1.0});  // c(i, 0, ·) = {1}
  for (std::size_t j = 1; j <= n; ++j) {
    // i rises, so cur[i - 1] already holds c(i-1, j, ·) when cur[i] is updated.
    for (std::size_t i = 1; i <= m; ++i) {
      auto& c = cur[i];
      const auto& below = cur[i - 1];
      c.resize(i * j + 1, 0.0);
      for (std::size_t u = j; u <= i * j; ++u) c[u] += below[u - j];
    }
  }
  return cur[m];
}

void check_sample(const std::vector<double>& v, const char* what) {
  if (v.empty()) throw std::invalid_argument(std::string("Hodges-Lehmann: empty ") + what);
  if (!std::all_of(v.begin(), v.end(), [](double d) { return std::isfinite(d); })) {
    throw std::invalid_argument(std::string("Hodges-Lehmann: non-finite value in ") + what);
  }
}

// Σ (t³ - t) over groups of t equal values within one sample.
double tie_term(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j < v.size() && v[j] == v[i]) ++j;
    const double t = static_cast<double>(j - i);
    sum += t * t * t - t;
    i = j;
  }
  return sum;
}

bool has_ties(const std::vector<double>& v) { return tie_term(v) > 0; }

// The r-th smallest (0-based) of d; reorders d, keeping its values.
double order_stat(std::vector<double>& d, std::size_t r) {
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(r), d.end());
  return d[r];
}

double median_of(std::vector<double>& d) {
  const std::size_t n = d.size();
  const double hi = order_stat(d, n / 2);
  if (n % 2 == 1) return hi;
  // The lower middle is the largest value left of n/2 after the partition above.
  const double lo = *std::max_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return std::midpoint(lo, hi);  // never overflows, unlike (lo + hi) / 2
}

}  // namespace

std::vector<double> u_null_pmf(std::size_t m, std::size_t n) {
  auto c = u_null_counts(m, n);
  const double total = std::accumulate(c.begin(), c.end(), 0.0);
  for (double& v : c) v /= total;
  return c;
}

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("normal_quantile: p not in (0, 1)");
  // Acklam's rational approximation (relative error < 1.2e-9), then Halley steps on the exact
  // Φ(x) = erfc(-x/√2)/2 bring it to double precision.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (p < p_low || p > 1.0 - p_low) {
    const double q = std::sqrt(-2.0 * std::log(p < p_low ? p : 1.0 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    if (p > 1.0 - p_low) x = -x;
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  for (int step = 0; step < 2; ++step) {
    // Work in the tail nearer to x so the residual keeps its relative precision.
    const double e = x < 0 ? 0.5 * std::erfc(-x / std::numbers::sqrt2) - p
                           : (1.0 - p) - 0.5 * std::erfc(x / std::numbers::sqrt2);
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
    x -= u / (1.0 + x * u / 2.0);
  }
  return x;
}

double median(std::vector<double> v) {
  if (v.empty()) throw std::invalid_argument("median: empty sample");
  if (std::any_of(v.begin(), v.end(), [](double d) { return std::isnan(d); })) {
    throw std::invalid_argument("median: NaN in sample");
  }
  return median_of(v);
}

ShiftEstimate hodges_lehmann(const std::vector<double>& x, const std::vector<double>& y,
                             double alpha, UMethod method) {
  check_sample(x, "baseline sample");
  check_sample(y, "candidate sample");
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("Hodges-Lehmann: alpha not in (0, 1)");
  }
  ShiftEstimate out;
  out.m = x.size();
  out.n = y.size();
  const std::size_t mn = out.m * out.n;

  std::vector<double> diffs;
  diffs.reserve(mn);
  for (double xi : x) {
    for (double yj : y) diffs.push_back(yj - xi);
  }
  out.estimate = median_of(diffs);

  const bool small = out.m <= kExactShiftMaxPerSample && out.n <= kExactShiftMaxPerSample;
  out.exact = small && (method == UMethod::kExact ||
                        (method == UMethod::kAuto && !has_ties(x) && !has_ties(y)));
  // The widest interval that is not empty or reversed: [D_(k), D_(mn+1-k)] needs k <= that.
  const std::size_t k_max = (mn + 1) / 2;
  std::size_t k = 0;
  double level = 1.0 - alpha;
  if (out.exact) {
    const auto counts = u_null_counts(out.m, out.n);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    out.reachable_level = 1.0 - 2.0 * counts[0] / total;
    // Largest k with 2·P(U <= k-1) <= alpha. Counts are exact integers here, and the relative
    // slack only lets an exact tie (e.g. 2/20 against alpha 0.1) count as attained.
    const double limit = alpha * total * (1.0 + 1e-12);
    double cum = 0;
    for (std::size_t u = 0; u < k_max; ++u) {
      if (2.0 * (cum + counts[u]) > limit) break;
      cum += counts[u];
      k = u + 1;
    }
    level = 1.0 - 2.0 * cum / total;
  } else {
    const double m = static_cast<double>(out.m), n = static_cast<double>(out.n), big_n = m + n;
    const double t = tie_term(x) + tie_term(y);
    // σ > 0: only within-sample ties enter, and with both samples non-empty they cannot
    // cover all N values in one group.
    const double sigma = std::sqrt(m * n / 12.0 * ((big_n + 1.0) - t / (big_n * (big_n - 1.0))));
    const double z = normal_quantile(1.0 - alpha / 2.0);
    const double k_real = std::floor(m * n / 2.0 - z * sigma + 0.5);
    if (k_real >= 1.0) k = std::min(k_max, static_cast<std::size_t>(k_real));
    // k >= 1 holds for z up to (mn/2 - 1/2)/σ: the level 2Φ(z) - 1 at that z.
    out.reachable_level = std::erf((m * n / 2.0 - 0.5) / sigma / std::numbers::sqrt2);
  }
  if (k >= 1) {
    out.k = k;
    ConfidenceInterval ci;
    ci.lower = order_stat(diffs, k - 1);
    ci.upper = order_stat(diffs, mn - k);
    ci.level = level;
    out.ci = ci;
  }
  return out;
}

std::optional<RelativeShift> relative_shift(const ShiftEstimate& shift, double baseline_median) {
  if (!(baseline_median > 0.0) || !std::isfinite(baseline_median)) return std::nullopt;
  RelativeShift out;
  out.estimate = shift.estimate / baseline_median;
  if (shift.ci) {
    out.ci = ConfidenceInterval{shift.ci->lower / baseline_median,
                                shift.ci->upper / baseline_median, shift.ci->level};
  }
  return out;
}

}  // namespace lg::compare
