#include "harness/compare/gate.hpp"

#include <algorithm>

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

void judge(const MetricData& b, const MetricData& c, double alpha, GateRow& row) {
  row.n_baseline = b.samples.size();
  row.n_candidate = c.samples.size();
  if (b.value > 0) {
    row.change = c.value / b.value - 1.0;
  } else if (c.value == b.value) {
    row.change = 0.0;
  }
  if (row.n_baseline < kMinSamples || row.n_candidate < kMinSamples || !row.change) {
    row.verdict = Verdict::kInsufficient;
    return;
  }
  const auto u = mann_whitney_u(c.samples, b.samples);
  row.p_value = u.p_value;
  const bool worse_up = higher_is_worse(row.metric);
  const double signed_change = worse_up ? *row.change : -*row.change;
  // The figures are whole-run values and the test runs over intervals; a verdict needs both to
  // point the same way: U1 > n1·n2/2 means the candidate's intervals rank higher.
  const double half = static_cast<double>(row.n_baseline * row.n_candidate) / 2.0;
  const bool samples_worse = worse_up ? u.u1 > half : u.u1 < half;
  const bool significant = u.p_value < alpha;
  if (signed_change > row.tolerance) {
    row.verdict = significant && samples_worse ? Verdict::kRegression : Verdict::kNotSignificant;
  } else if (signed_change < -row.tolerance && significant && !samples_worse) {
    row.verdict = Verdict::kImproved;
  } else {
    row.verdict = Verdict::kOk;
  }
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

std::vector<GateRow> gate(const Input& baseline, const Input& candidate,
                          const Tolerances& tolerances, double alpha) {
  std::vector<GateRow> rows;
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
      if (b && c) judge(*b, *c, alpha, row);
      rows.push_back(std::move(row));
    }
  }
  return rows;
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
