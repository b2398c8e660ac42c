#include "harness/compare/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "harness/compare/metrics.hpp"

namespace lg::compare {
namespace {

using Cells = std::vector<std::string>;

std::string printf_str(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Run percentiles have µs resolution: three decimals of ms. Benchmark times are means, to be
// shown with four significant digits however small.
std::string format_value(const std::string& metric, std::optional<double> v) {
  if (!v) return "-";
  if (metric == "throughput") return printf_str("%.1f", *v);
  const double a = std::abs(*v);
  if (metric != "time" || a == 0 || a >= 1) return printf_str("%.3f", *v);
  const int decimals = std::min(12, 3 - static_cast<int>(std::floor(std::log10(a))));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

std::optional<double> ratio(std::optional<double> v, std::optional<double> ref) {
  if (!v || !ref || *ref == 0) return std::nullopt;
  return *v / *ref;
}

std::string format_p(std::optional<double> p) {
  if (!p) return "-";
  return *p < 0.0001 ? "<0.0001" : printf_str("%.4f", *p);
}

std::string format_change(std::optional<double> c) {
  return c ? printf_str("%+.1f%%", *c * 100.0) : "-";
}

// "+12.0% [+4.1%, +21.3%]": the change and its confidence interval, when there is one.
std::string format_change(const GateRow& row) {
  std::string out = format_change(row.change);
  if (row.change_ci) {
    out += " [" + format_change(row.change_ci->lower) + ", " + format_change(row.change_ci->upper) +
           "]";
  }
  return out;
}

const char* samples_word(SampleKind k) {
  switch (k) {
    case SampleKind::kIndependent:
      return "trials";
    case SampleKind::kIntervals:
      return "intervals";
    case SampleKind::kNone:
      return "";
  }
  return "";
}

std::string format_samples(const GateRow& row) {
  std::string out = std::to_string(row.n_baseline) + "/" + std::to_string(row.n_candidate);
  if (row.samples != SampleKind::kNone) out += std::string(" ") + samples_word(row.samples);
  return out;
}

std::string format_tolerance(const std::string& metric, double t) {
  return (higher_is_worse(metric) ? "+" : "-") + printf_str("%.0f%%", t * 100.0);
}

std::string show_option(const std::string& o) { return o.empty() ? "-" : o; }

const char* kind_word(EntryKind k) {
  switch (k) {
    case EntryKind::kQuery:
      return "query";
    case EntryKind::kRequest:
      return "request";
    case EntryKind::kBenchmark:
      return "benchmark";
  }
  return "query";
}

// Header of the name column: the one kind shown, or a neutral word for a mix.
std::string name_header(const CompareReport& r) {
  std::string word;
  for (const auto& row : r.rows) {
    if (word.empty()) word = kind_word(row.kind);
    if (word != kind_word(row.kind)) return "query/request";
  }
  return word.empty() ? "query" : word;
}

// The figure of `metric` for the series of `in` matching `like`, if any.
std::optional<double> value_of(const Input& in, const Series& like, const std::string& metric) {
  const Series* s = in.find(like.option, like.name);
  if (!s) return std::nullopt;
  const auto it = s->metrics.find(metric);
  return it == s->metrics.end() ? std::nullopt : std::optional<double>(it->second.value);
}

std::string column_tag(std::size_t i) { return "[" + std::to_string(i + 1) + "]"; }

std::string metric_label(const std::string& metric) {
  return metric + " " + std::string(metric_unit(metric));
}

struct Table {
  Cells header;
  std::vector<Cells> rows;
  std::size_t left = 3;  // leading text columns; the rest are right-aligned numbers
};

Table values_table(const CompareReport& r) {
  Table t;
  t.header = {"option", name_header(r), "metric"};
  const std::size_t n = r.columns.size();
  for (std::size_t i = 0; i < n; ++i) t.header.push_back(column_tag(i));
  for (std::size_t i = 1; i < n; ++i) t.header.push_back(column_tag(i) + "/" + column_tag(0));
  for (const auto& row : r.rows) {
    Cells c = {show_option(row.option), row.name, metric_label(row.metric)};
    for (const auto& v : row.values) c.push_back(format_value(row.metric, v));
    for (std::size_t i = 1; i < n; ++i) {
      const auto q = ratio(row.values[i], row.values[0]);
      c.push_back(q ? printf_str("%.2f", *q) : "-");
    }
    t.rows.push_back(std::move(c));
  }
  return t;
}

Table gate_table(const CompareReport& r, const GateResult& g) {
  Table t;
  t.header = {"option",    name_header(r), "metric",  "baseline", "candidate", "change [CI]",
              "tolerance", "samples",      "p-value", "adjusted", "verdict"};
  for (const auto& row : g.outcome.rows) {
    t.rows.push_back({show_option(row.option), row.name, metric_label(row.metric),
                      format_value(row.metric, row.baseline),
                      format_value(row.metric, row.candidate), format_change(row),
                      format_tolerance(row.metric, row.tolerance), format_samples(row),
                      format_p(row.p_value), format_p(row.p_adjusted), verdict_name(row.verdict)});
  }
  return t;
}

std::string render_text(const Table& t) {
  std::vector<std::size_t> width(t.header.size(), 0);
  auto widen = [&](const Cells& c) {
    for (std::size_t i = 0; i < c.size(); ++i) width[i] = std::max(width[i], c[i].size());
  };
  widen(t.header);
  for (const auto& r : t.rows) widen(r);
  std::string out;
  auto line = [&](const Cells& c) {
    std::string l;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const std::string pad(width[i] - c[i].size(), ' ');
      l += (i ? "  " : "") + (i < t.left ? c[i] + pad : pad + c[i]);
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string render_markdown(const Table& t) {
  auto line = [](const Cells& c) {
    std::string l = "|";
    for (const auto& s : c) l += " " + s + " |";
    return l + "\n";
  };
  std::string out = line(t.header) + "|";
  for (std::size_t i = 0; i < t.header.size(); ++i) out += i < t.left ? " --- |" : " ---: |";
  out += "\n";
  for (const auto& r : t.rows) out += line(r);
  return out;
}

std::string role(const CompareReport& r, std::size_t i) {
  if (i != 0) return "";
  return r.has_baseline ? " (baseline)" : " (reference)";
}

std::string gate_title(const CompareReport& r, const GateResult& g) {
  return "gate: " + column_tag(g.candidate) + " " + r.columns[g.candidate]->label +
         " against baseline [1]; alpha " + printf_str("%g", r.gate.alpha) + " over " +
         std::to_string(g.outcome.family) + " metrics (" + p_adjust_name(r.gate.adjust) +
         "); change: Hodges-Lehmann shift with its " + printf_str("%g", 100 * (1 - r.gate.alpha)) +
         "% interval over trials; Mann-Whitney U, two-sided; at least " +
         std::to_string(kMinSamples) + " samples per side";
}

std::string warning_lines(const GateResult& g, const char* prefix) {
  std::string out;
  for (const auto& w : g.outcome.warnings) out += prefix + w + "\n";
  return out;
}

// ordered_json: the document reads inputs, rows, gate, in the order a person looks.
using json = nlohmann::ordered_json;

json opt_json(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

json inputs_json(const CompareReport& r) {
  json out = json::array();
  for (std::size_t i = 0; i < r.columns.size(); ++i) {
    const Input& in = *r.columns[i];
    out.push_back({{"column", i + 1},
                   {"label", in.label},
                   {"path", in.path.string()},
                   {"type", in.benchmark ? "benchmark" : "run"},
                   {"role", i ? "compared" : (r.has_baseline ? "baseline" : "reference")},
                   {"notes", in.notes}});
  }
  return out;
}

json rows_json(const CompareReport& r) {
  json out = json::array();
  for (const auto& row : r.rows) {
    json values = json::array(), ratios = json::array();
    for (const auto& v : row.values) {
      values.push_back(opt_json(v));
      ratios.push_back(opt_json(ratio(v, row.values[0])));
    }
    out.push_back({{"option", row.option.empty() ? json(nullptr) : json(row.option)},
                   {"name", row.name},
                   {"kind", kind_word(row.kind)},
                   {"metric", row.metric},
                   {"unit", metric_unit(row.metric)},
                   {"values", values},
                   {"ratios", ratios}});
  }
  return out;
}

json gate_row_json(const GateRow& row) {
  return {{"option", row.option.empty() ? json(nullptr) : json(row.option)},
          {"name", row.name},
          {"kind", kind_word(row.kind)},
          {"metric", row.metric},
          {"unit", metric_unit(row.metric)},
          {"baseline", opt_json(row.baseline)},
          {"candidate", opt_json(row.candidate)},
          {"change", opt_json(row.change)},
          {"change_ci", row.change_ci ? json{{"lower", row.change_ci->lower},
                                             {"upper", row.change_ci->upper},
                                             {"level", row.change_ci->level}}
                                      : json(nullptr)},
          {"tolerance", row.tolerance},
          {"samples_baseline", row.n_baseline},
          {"samples_candidate", row.n_candidate},
          {"samples",
           row.samples == SampleKind::kNone ? json(nullptr) : json(samples_word(row.samples))},
          {"p_value", opt_json(row.p_value)},
          {"p_adjusted", opt_json(row.p_adjusted)},
          {"verdict", verdict_name(row.verdict)},
          {"regression", row.verdict == Verdict::kRegression}};
}

json gate_json(const CompareReport& r) {
  if (!r.has_baseline) return nullptr;
  json comparisons = json::array();
  for (const auto& g : r.gates) {
    json rows = json::array();
    for (const auto& row : g.outcome.rows) rows.push_back(gate_row_json(row));
    comparisons.push_back({{"baseline", 1},
                           {"candidate", g.candidate + 1},
                           {"family", g.outcome.family},
                           {"warnings", g.outcome.warnings},
                           {"rows", rows}});
  }
  return {{"alpha", r.gate.alpha},
          {"p_adjust", p_adjust_name(r.gate.adjust)},
          {"test", "Mann-Whitney U, two-sided; Hodges-Lehmann shift"},
          {"min_samples", kMinSamples},
          {"comparisons", comparisons},
          {"regressions", r.regressions()}};
}

}  // namespace

std::size_t CompareReport::regressions() const {
  std::size_t n = 0;
  for (const auto& g : gates) {
    const auto& rows = g.outcome.rows;
    n += static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const GateRow& r) {
      return r.verdict == Verdict::kRegression;
    }));
  }
  return n;
}

std::vector<TableRow> side_by_side(const std::vector<const Input*>& columns) {
  std::vector<TableRow> rows;
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto* in : columns) {
    for (const auto& s : in->series) {
      if (std::find(seen.begin(), seen.end(), std::pair(s.option, s.name)) != seen.end()) continue;
      seen.emplace_back(s.option, s.name);
      for (auto metric : kMetrics) {
        TableRow row{s.option, s.name, s.kind, std::string(metric), {}};
        for (const auto* col : columns) row.values.push_back(value_of(*col, s, row.metric));
        if (std::any_of(row.values.begin(), row.values.end(),
                        [](auto v) { return v.has_value(); })) {
          rows.push_back(std::move(row));
        }
      }
    }
  }
  return rows;
}

std::string format_text(const CompareReport& r) {
  std::string out = "inputs:\n";
  for (std::size_t i = 0; i < r.columns.size(); ++i) {
    const Input& in = *r.columns[i];
    out += "  " + column_tag(i) + " " + in.label + role(r, i);
    out += (in.path.string() == in.label ? "" : "  (" + in.path.string() + ")") + "\n";
  }
  out += "\n" + render_text(values_table(r));
  for (const auto& g : r.gates) {
    out += "\n" + gate_title(r, g) + "\n" + render_text(gate_table(r, g)) +
           warning_lines(g, "warning: ");
  }
  return out;
}

std::string format_markdown(const CompareReport& r) {
  std::string out;
  for (std::size_t i = 0; i < r.columns.size(); ++i) {
    out += "- **" + column_tag(i) + "** `" + r.columns[i]->label + "`" + role(r, i) + "\n";
  }
  out += "\n" + render_markdown(values_table(r));
  for (const auto& g : r.gates) {
    out += "\n**" + gate_title(r, g) + "**\n\n" + render_markdown(gate_table(r, g));
    const std::string w = warning_lines(g, "> **warning:** ");
    if (!w.empty()) out += "\n" + w;
  }
  return out;
}

std::string format_json(const CompareReport& r) {
  const json doc = {{"inputs", inputs_json(r)}, {"rows", rows_json(r)}, {"gate", gate_json(r)}};
  return doc.dump(2) + "\n";
}

std::vector<std::string> regression_lines(const CompareReport& r) {
  std::vector<std::string> out;
  for (const auto& g : r.gates) {
    for (const auto& row : g.outcome.rows) {
      if (row.verdict != Verdict::kRegression) continue;
      const std::string unit(metric_unit(row.metric));
      out.push_back("regression: " + r.columns[g.candidate]->label + ": option " +
                    show_option(row.option) + ", " + kind_word(row.kind) + " " + row.name + ", " +
                    row.metric + ": baseline " + format_value(row.metric, row.baseline) + " " +
                    unit + ", candidate " + format_value(row.metric, row.candidate) + " " + unit +
                    ", change " + format_change(row) + " (tolerance " +
                    format_tolerance(row.metric, row.tolerance) + "), p-value " +
                    format_p(row.p_value) + ", adjusted " + format_p(row.p_adjusted) + " (" +
                    std::to_string(row.n_baseline) + "/" + std::to_string(row.n_candidate) + " " +
                    samples_word(row.samples) + ")");
    }
  }
  return out;
}

}  // namespace lg::compare
