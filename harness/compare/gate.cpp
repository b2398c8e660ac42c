#include "harness/compare/gate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "harness/compare/mann_whitney.hpp"
#include "harness/compare/metrics.hpp"
#include "harness/core/errors.hpp"

namespace lg::compare {
namespace {

// Series of either input, baseline order first, each (option, name) once.
std::vector<std::pair<std::string, std::string>> union_keys(const Input& a, const Input& b) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto* in : {&a, &b}) {
    for (const auto& s : in->series) {
      std::pair<std::string, std::string> k{s.option, s.name};
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
    }
  }
  return keys;
}

const MetricData* metric_of(const Series* s, const std::string& metric) {
  if (!s) return nullptr;
  const auto it = s->metrics.find(metric);
  return it == s->metrics.end() ? nullptr : &it->second;
}

// What judging one row found, before the family's correction decides.
struct Judged {
  std::size_t row = 0;
  bool samples_worse = false;  // the samples point the bad way (shift or rank sum)
};

// Independent samples on both sides: Hodges–Lehmann shift, its interval, exact U.
bool judge_independent(const MetricData& b, const MetricData& c, double alpha, GateRow& row,
                       Judged& j) {
  row.n_baseline = b.samples.size();
  row.n_candidate = c.samples.size();
  row.baseline = median(b.samples);
  row.candidate = median(c.samples);
  const auto shift = hodges_lehmann(b.samples, c.samples, alpha);
  const auto rel = relative_shift(shift, *row.baseline);
  if (!rel) return false;
  row.change = rel->estimate;
  row.change_ci = rel->ci;
  row.samples = SampleKind::kIndependent;
  row.p_value = mann_whitney_u(c.samples, b.samples).p_value;
  j.samples_worse = higher_is_worse(row.metric) ? shift.estimate > 0 : shift.estimate < 0;
  return true;
}

// The fallback: one run's intervals on a side. The figures are whole-run values and the test
// runs over intervals; a verdict needs both to point the same way: U1 > n1·n2/2 means the
// candidate's intervals rank higher.
bool judge_intervals(const MetricData& b, const MetricData& c, GateRow& row, Judged& j) {
  row.n_baseline = b.intervals.size();
  row.n_candidate = c.intervals.size();
  if (row.n_baseline < kMinSamples || row.n_candidate < kMinSamples || !row.change) return false;
  const auto u = mann_whitney_u(c.intervals, b.intervals);
  row.p_value = u.p_value;
  row.samples = SampleKind::kIntervals;
  const double half = static_cast<double>(row.n_baseline * row.n_candidate) / 2.0;
  j.samples_worse = higher_is_worse(row.metric) ? u.u1 > half : u.u1 < half;
  return true;
}

// Fills change, samples and p-value of `row`; false when it cannot be judged.
bool judge(const MetricData& b, const MetricData& c, double alpha, GateRow& row, Judged& j) {
  if (b.value > 0) {
    row.change = c.value / b.value - 1.0;
  } else if (c.value == b.value) {
    row.change = 0.0;
  }
  if (b.samples.size() >= kMinSamples && c.samples.size() >= kMinSamples) {
    return judge_independent(b, c, alpha, row, j);
  }
  if (!b.samples.empty() || !c.samples.empty()) {
    // One side has trials, the other does not: say how many each has rather than test
    // trials against intervals.
    row.n_baseline = b.samples.size();
    row.n_candidate = c.samples.size();
    if (!b.intervals.empty() && !c.intervals.empty() && b.samples.size() < 2 &&
        c.samples.size() < 2) {
      return judge_intervals(b, c, row, j);
    }
    return false;
  }
  return judge_intervals(b, c, row, j);
}

// The verdict once the family's adjusted p-value is known.
Verdict decide(const GateRow& row, bool samples_worse, double alpha) {
  const double signed_change = higher_is_worse(row.metric) ? *row.change : -*row.change;
  const bool significant = row.p_adjusted && *row.p_adjusted < alpha;
  if (signed_change > row.tolerance) {
    return significant && samples_worse ? Verdict::kRegression : Verdict::kNotSignificant;
  }
  if (signed_change < -row.tolerance && significant && !samples_worse) return Verdict::kImproved;
  return Verdict::kOk;
}

double log_choose(std::size_t n, std::size_t k) {
  return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(k) + 1) -
         std::lgamma(static_cast<double>(n - k) + 1);
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::vector<std::string> warnings_of(const GateOutcome& g, const GateOptions& o) {
  std::vector<std::string> out;
  std::size_t intervals = 0, min_n = 0, too_few = 0;
  for (const auto& r : g.rows) {
    if (r.samples == SampleKind::kIntervals) ++intervals;
    if (r.verdict == Verdict::kInsufficient) ++too_few;
    if (r.samples == SampleKind::kIndependent) {
      const std::size_t n = std::min(r.n_baseline, r.n_candidate);
      min_n = min_n == 0 ? n : std::min(min_n, n);
    }
  }
  if (intervals > 0) {
    out.push_back(std::to_string(intervals) +
                  " metric(s) were tested over the 1 s intervals of one run per side: they are "
                  "autocorrelated, so a difference between two runs (machine, time of day) looks "
                  "significant; run with --trials N or compare folders of runs");
  }
  if (too_few > 0) {
    out.push_back(std::to_string(too_few) + " metric(s) not judged: the gate needs " +
                  std::to_string(kMinSamples) +
                  " trials (or intervals) per side; run with --trials N");
  }
  if (min_n > 0 && g.family > 0) {
    const std::size_t need = min_trials_for(g.family, o.alpha);
    if (min_n < need) {
      out.push_back("with " + std::to_string(min_n) + " samples per side no p-value can reach " +
                    fixed(o.alpha, 2) + " after " + p_adjust_name(o.adjust) + " over " +
                    std::to_string(g.family) + " metrics when one alone moves; " +
                    std::to_string(need) + " trials per side can (or gate fewer metrics)");
    }
  }
  return out;
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk:
      return "ok";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kNotSignificant:
      return "not significant";
    case Verdict::kInsufficient:
      return "insufficient samples";
    case Verdict::kMissing:
      return "missing";
    case Verdict::kRegression:
      return "REGRESSION";
  }
  return "?";
}

std::size_t min_trials_for(std::size_t family, double alpha) {
  const double target = std::log(alpha / static_cast<double>(std::max<std::size_t>(1, family)));
  std::size_t n = 1;
  while (std::log(2.0) - log_choose(2 * n, n) > target) ++n;
  return n;
}

GateOutcome gate(const Input& baseline, const Input& candidate, const Tolerances& tolerances,
                 const GateOptions& options) {
  GateOutcome out;
  auto& rows = out.rows;
  std::vector<Judged> judged;
  for (const auto& [option, name] : union_keys(baseline, candidate)) {
    const Series* bs = baseline.find(option, name);
    const Series* cs = candidate.find(option, name);
    for (auto metric : kMetrics) {
      const std::string m(metric);
      const auto tol = tolerances.lookup(option, name, m);
      const MetricData* b = metric_of(bs, m);
      const MetricData* c = metric_of(cs, m);
      if (!tol || (!b && !c)) continue;
      GateRow row;
      row.option = option;
      row.name = name;
      row.metric = m;
      row.kind = (bs ? bs : cs)->kind;
      row.tolerance = *tol;
      row.verdict = Verdict::kMissing;
      if (b) row.baseline = b->value;
      if (c) row.candidate = c->value;
      if (b && c) {
        row.verdict = Verdict::kInsufficient;
        Judged j{rows.size(), false};
        if (judge(*b, *c, options.alpha, row, j)) judged.push_back(j);
      }
      rows.push_back(std::move(row));
    }
  }
  // The family: every row of this candidate that was tested.
  std::vector<double> p;
  for (const auto& j : judged) p.push_back(*rows[j.row].p_value);
  const auto adjusted = adjust_p_values(p, options.adjust);
  for (std::size_t i = 0; i < judged.size(); ++i) {
    GateRow& row = rows[judged[i].row];
    row.p_adjusted = adjusted[i];
    row.verdict = decide(row, judged[i].samples_worse, options.alpha);
  }
  out.family = judged.size();
  out.warnings = warnings_of(out, options);
  return out;
}

void check_tolerance_names(const Tolerances& tolerances, const std::vector<Input>& inputs) {
  for (const auto& r : tolerances.overrides()) {
    bool option_found = r.option.empty(), name_found = r.name.empty();
    for (const auto& in : inputs) {
      for (const auto& s : in.series) {
        option_found = option_found || s.option == r.option;
        name_found = name_found || s.name == r.name;
      }
    }
    if (!option_found) {
      throw InputError("--tolerance",
                       "\"" + r.source + "\": no input has option \"" + r.option + "\"");
    }
    if (!name_found) {
      throw InputError("--tolerance", "\"" + r.source +
                                          "\": no input has a query, request or "
                                          "benchmark named \"" +
                                          r.name + "\"");
    }
  }
}

}  // namespace lg::compare
