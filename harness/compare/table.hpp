#pragma once
// What `loadgate compare` prints: the side-by-side table and the gate, as an aligned text
// table, GitHub Markdown or JSON.

#include <optional>
#include <string>
#include <vector>

#include "harness/compare/gate.hpp"
#include "harness/compare/inputs.hpp"

namespace lg::compare {

/// One metric of one series across every input.
struct TableRow {
  std::string option, name;
  EntryKind kind = EntryKind::kQuery;
  std::string metric;
  std::vector<std::optional<double>> values;  ///< one per input column; nullopt: not measured
};

/// The gate of one candidate against the baseline.
struct GateResult {
  std::size_t candidate = 0;  ///< index into CompareReport::columns
  GateOutcome outcome;
};

/// Everything compare prints.
struct CompareReport {
  std::vector<const Input*> columns;  ///< the reference first: the baseline when there is one
  bool has_baseline = false;
  GateOptions gate;
  std::vector<TableRow> rows;
  std::vector<GateResult> gates;  ///< empty without a baseline

  /// Number of rows with Verdict::kRegression over all gates.
  std::size_t regressions() const;
};

/// Rows for every (option, name) of any column, in first-seen order, and every metric some
/// column has for it.
std::vector<TableRow> side_by_side(const std::vector<const Input*>& columns);

/// Aligned plain-text tables with a legend of the inputs.
std::string format_text(const CompareReport& report);
/// GitHub-flavoured Markdown tables with the same content as format_text.
std::string format_markdown(const CompareReport& report);
/// One JSON document: inputs, rows (values and ratios to the reference), gate verdicts with
/// p-values. Values in ms or per second as the row's unit says.
std::string format_json(const CompareReport& report);

/// One line per regression: candidate, option, query, metric, baseline and candidate values,
/// change %, tolerance and p-value.
std::vector<std::string> regression_lines(const CompareReport& report);

}  // namespace lg::compare
