#include "harness/compare/compare_cmd.hpp"

#include <cstdio>

#include "harness/compare/gate.hpp"
#include "harness/compare/inputs.hpp"
#include "harness/compare/table.hpp"
#include "harness/compare/tolerance.hpp"
#include "harness/core/errors.hpp"

namespace lg::compare {
namespace {

// The baseline, when given, is the first column: ratios and the gate are taken against it, and
// every positional input is a candidate gated on its own.
std::vector<Input> load_all(const CompareOptions& o) {
  std::vector<Input> inputs;
  if (!o.baseline.empty()) inputs.push_back(load_input(o.baseline));
  for (const auto& p : o.inputs) inputs.push_back(load_input(p));
  return inputs;
}

CompareReport build_report(const std::vector<Input>& inputs, const CompareOptions& o,
                           const Tolerances& tolerances) {
  CompareReport r;
  for (const auto& in : inputs) r.columns.push_back(&in);
  r.has_baseline = !o.baseline.empty();
  r.alpha = o.alpha;
  r.rows = side_by_side(r.columns);
  if (r.has_baseline) {
    for (std::size_t i = 1; i < inputs.size(); ++i) {
      r.gates.push_back({i, gate(inputs[0], inputs[i], tolerances, o.alpha)});
    }
  }
  return r;
}

void print_notes(const std::vector<Input>& inputs, const CompareOptions& o) {
  for (const auto& in : inputs) {
    for (const auto& n : in.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  }
  if (o.baseline.empty() && !o.tolerances.empty()) {
    std::fputs("note: --tolerance only matters with --baseline\n", stderr);
  }
}

}  // namespace

int execute_compare(const CompareOptions& o) {
  if (o.format != "text" && o.format != "md" && o.format != "json") {
    throw InputError("--format", "expected text, md or json, got \"" + o.format + "\"");
  }
  const auto tolerances = Tolerances::parse(o.tolerances);
  const auto inputs = load_all(o);
  check_tolerance_names(tolerances, inputs);
  const auto report = build_report(inputs, o, tolerances);
  print_notes(inputs, o);
  const std::string body = o.format == "json" ? format_json(report)
                           : o.format == "md" ? format_markdown(report)
                                              : format_text(report);
  std::fputs(body.c_str(), stdout);
  // Flushed first so that when both streams go to one place the verdict follows the table.
  std::fflush(stdout);
  // JSON keeps stdout parseable; the verdict lines then go to stderr.
  FILE* verdict_out = o.format == "json" ? stderr : stdout;
  const auto lines = regression_lines(report);
  if (report.has_baseline) {
    std::fputc('\n', verdict_out);
    for (const auto& l : lines) std::fprintf(verdict_out, "%s\n", l.c_str());
    std::fprintf(verdict_out, "%s\n",
                 lines.empty() ? "no regression against the baseline"
                               : (std::to_string(lines.size()) + " regression(s) against the "
                                                                 "baseline")
                                     .c_str());
  }
  std::fflush(stdout);
  return static_cast<int>(lines.empty() ? ExitCode::kOk : ExitCode::kRegression);
}

}  // namespace lg::compare
