#include "harness/results/trials.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace lg::results {
namespace {

// P(Binomial(n, 1/2) <= k), summed in logs so that n up to kMaxTrials (and beyond) is exact
// enough.
double binomial_half_cdf(std::size_t n, std::size_t k) {
  double sum = 0;
  for (std::size_t i = 0; i <= k && i <= n; ++i) {
    const double log_c = std::lgamma(static_cast<double>(n) + 1) -
                         std::lgamma(static_cast<double>(i) + 1) -
                         std::lgamma(static_cast<double>(n - i) + 1);
    sum += std::exp(log_c - static_cast<double>(n) * std::log(2.0));
  }
  return std::min(1.0, sum);
}

}  // namespace

std::optional<MedianInterval> median_interval(std::vector<double> values, double level) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  MedianInterval m;
  m.n = n;
  m.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  // k = 1 is [min, max]; a larger k narrows the interval while its coverage stays >= level.
  std::size_t k = 1;
  while (k + 1 <= (n + 1) / 2 && 1.0 - 2.0 * binomial_half_cdf(n, k) >= level) ++k;
  m.lower = values[k - 1];
  m.upper = values[n - k];
  m.level = n == 1 ? 0.0 : 1.0 - 2.0 * binomial_half_cdf(n, k - 1);
  return m;
}

std::vector<TrialStats> per_trial(const std::vector<metrics::SeriesStats>& all,
                                  const std::string& metric, const Tags& filter) {
  std::vector<std::string> trials = tag_values(all, metric, "trial");
  // Numeric order: trial 10 after trial 9.
  std::sort(trials.begin(), trials.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  std::vector<TrialStats> out;
  for (const auto& t : trials) {
    Tags f = filter;
    f.emplace_back("trial", t);
    if (auto m = merge_series(all, metric, make_tags(std::move(f)))) {
      out.push_back({t, latency_stats(*m)});
    }
  }
  return out;
}

double trial_figure(const LatencyStats& s, const std::string& key) {
  if (key == "p50_ms") return s.p50_ms;
  if (key == "p95_ms") return s.p95_ms;
  if (key == "p99_ms") return s.p99_ms;
  return s.throughput;
}

nlohmann::json trials_json(const std::vector<TrialStats>& trials) {
  if (trials.empty()) return nullptr;
  nlohmann::json out = {{"n", trials.size()}};
  for (const char* key : kTrialFigures) {
    std::vector<double> values;
    for (const auto& t : trials) values.push_back(trial_figure(t.stats, key));
    const auto m = median_interval(values);
    out[key] = {{"values", values},
                {"median", m->median},
                {"ci", {m->lower, m->upper}},
                {"ci_level", m->level}};
  }
  return out;
}

}  // namespace lg::results
