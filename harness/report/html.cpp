#include "harness/report/html.hpp"

#include <cmath>
#include <cstdio>

#include "harness/core/markup.hpp"
#include "harness/report/timeline.hpp"

namespace lg::report {
namespace {

using nlohmann::json;

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1150px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.muted{color:#666}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#fafafa}
.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
.banner{padding:.6em 1em;border-radius:4px;margin:1em 0}
.banner.fail{background:#fdecea;border:1px solid #f5c2c0}
.banner.pass{background:#e9f6ec;border:1px solid #b7dfc0}
.banner.warn{background:#fff6e0;border:1px solid #f0d9a0;color:#6b4e00;font-weight:400}
figure{margin:1em 0 2em 0}figure svg{width:100%;height:auto;display:block}
figcaption{color:#555;font-size:.9em;margin-top:.3em}
code{background:#f3f5f7;padding:0 .25em;border-radius:3px}
)";

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A JSON value as table text: strings as they are, numbers with `decimals`, null as a dash.
std::string cell(const json& v, int decimals = 3) {
  if (v.is_string()) return html_escape(v.get<std::string>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) return fixed(v.get<double>(), decimals);
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_null()) return "–";
  return html_escape(v.dump());
}

std::string row(std::initializer_list<std::string> cells, bool header = false) {
  std::string s = "<tr>";
  for (const auto& c : cells) s += (header ? "<th>" : "<td>") + c + (header ? "</th>" : "</td>");
  return s + "</tr>\n";
}

std::string num_td(const std::string& text) { return "<td class=\"num\">" + text + "</td>"; }

std::string verdict_of(const RunData& run) {
  const json& v = json_at(run.summary, {"verdict"});
  return v.is_string() ? v.get<std::string>() : "unknown";
}

std::string executor_text(const json& ex) {
  if (!ex.is_object()) return "–";
  std::string s = cell(json_at(ex, {"type"}));
  const json& stages = json_at(ex, {"stages"});
  if (stages.is_array() && !stages.empty()) {
    s += "; stages:";
    for (const auto& st : stages) {
      s += " " + cell(json_at(st, {"tag"})) + " (" + cell(json_at(st, {"duration"})) + " → " +
           cell(json_at(st, {"target"})) + ")";
    }
  }
  return s;
}

std::string metadata(const RunData& run) {
  const json& s = run.summary;
  const json& complete = json_at(s, {"run", "complete"});
  const bool is_complete = !complete.is_boolean() || complete.get<bool>();
  std::string options;
  for (const auto& o : run.options) options += (options.empty() ? "" : ", ") + html_escape(o);
  std::string t = "<table>\n";
  t += row({"run", cell(json_at(s, {"run", "id"}))});
  t += row({"scenario", cell(json_at(s, {"scenario", "name"})) + " <span class=\"muted\">" +
                            cell(json_at(s, {"scenario", "file"})) + "</span>"});
  t += row({"options", options.empty() ? "–" : options});
  t += row({"products", cell(json_at(s, {"scenario", "dataset", "products"}))});
  t += row({"executor", executor_text(json_at(s, {"scenario", "executor"}))});
  const json& trials = json_at(s, {"run", "trials"});
  if (trials.is_number_integer() && trials.get<int>() > 1) {
    t += row({"trials", cell(trials) + " per option, each after its own warmup"});
  }
  t += row({"started / finished", cell(json_at(s, {"run", "started_at"})) + " / " +
                                      cell(json_at(s, {"run", "finished_at"}))});
  t += row({"target", cell(json_at(s, {"run", "target"}))});
  t += row({"PostgreSQL", cell(json_at(s, {"environment", "postgres", "version"}))});
  t += row({"complete", is_complete ? "yes"
                                    : "<span class=\"fail\">no</span>: " +
                                          cell(json_at(s, {"run", "incomplete_reason"}))});
  const std::string verdict = verdict_of(run);
  t += row({"verdict", "<span class=\"" + std::string(verdict == "pass" ? "pass" : "fail") + "\">" +
                           html_escape(verdict) + "</span>"});
  return t + "</table>\n";
}

std::string banners(const RunData& run, const std::vector<std::string>& notes) {
  std::string s;
  const json& complete = json_at(run.summary, {"run", "complete"});
  if (complete.is_boolean() && !complete.get<bool>()) {
    s += "<p class=\"banner fail\">This run is <b>incomplete</b>: " +
         cell(json_at(run.summary, {"run", "incomplete_reason"})) +
         ". Its figures cover only what was measured before it stopped.</p>\n";
  }
  for (const auto& n : notes) s += "<p class=\"banner warn\">" + html_escape(n) + "</p>\n";
  return s;
}

std::string thresholds(const RunData& run) {
  const json& list = json_at(run.summary, {"thresholds"});
  if (!list.is_array() || list.empty()) return "<p class=\"muted\">No thresholds.</p>\n";
  std::string t =
      "<table>\n" +
      row({"metric", "threshold", "observed", "samples", "verdict", "detail", "where"}, true);
  for (const auto& th : list) {
    const json& passed = json_at(th, {"passed"});
    const bool ok = passed.is_boolean() && passed.get<bool>();
    t += "<tr><td><code>" + cell(json_at(th, {"metric"})) + "</code></td><td><code>" +
         cell(json_at(th, {"expression"})) + "</code></td>" +
         num_td(cell(json_at(th, {"observed"}))) + num_td(cell(json_at(th, {"samples"}))) +
         "<td class=\"" + (ok ? "pass\">✓ pass" : "fail\">✗ fail") + "</td><td>" +
         cell(json_at(th, {"detail"})) + "</td><td class=\"muted\">" +
         cell(json_at(th, {"location"})) + "</td></tr>\n";
  }
  return t + "</table>\n";
}

// The run's built-in invariants (summary.json "invariants"): a broken run's health checks.
std::string invariants(const RunData& run) {
  const json& list = json_at(run.summary, {"invariants"});
  if (!list.is_array() || list.empty()) return "";
  std::string t = "<h2>Invariants</h2>\n<table>\n" + row({"invariant", "verdict", "detail"}, true);
  for (const auto& i : list) {
    const json& passed = json_at(i, {"passed"});
    const bool ok = passed.is_boolean() && passed.get<bool>();
    t += "<tr><td><code>" + cell(json_at(i, {"name"})) + "</code></td><td class=\"" +
         (ok ? "pass\">✓ held" : "fail\">✗ broken") + "</td><td>" + cell(json_at(i, {"detail"})) +
         "</td></tr>\n";
  }
  return t + "</table>\n";
}

// Failures by class and lost connections of one option (summary.json options.<o>.health).
std::string health_line(const json& option_summary) {
  const json& h = json_at(option_summary, {"health"});
  if (!h.is_object()) return "";
  std::string parts;
  const json& classes = json_at(h, {"errors_by_class"});
  if (classes.is_object()) {
    for (const auto& [name, n] : classes.items()) {
      parts += (parts.empty() ? "" : ", ") + html_escape(name) + " " + cell(n);
    }
  }
  std::string s;
  if (!parts.empty()) s += "<p>Errors by class: " + parts + ".</p>\n";
  const json& lost = json_at(h, {"vu_connections_lost"});
  const json& events = json_at(h, {"connection_events"});
  const bool vu_lost = lost.is_number() && lost.get<std::int64_t>() > 0;
  if (vu_lost || (events.is_array() && !events.empty())) {
    s += "<p class=\"fail\">Connections lost: " + cell(lost) + " by VUs (" +
         cell(json_at(h, {"vu_reconnects"})) + " re-established)";
    if (events.is_array()) {
      for (const auto& ev : events) {
        s += "; " + cell(json_at(ev, {"who"})) + " " + cell(json_at(ev, {"what"})) + " at " +
             cell(json_at(ev, {"at_s"})) + " s";
      }
    }
    s += ".</p>\n";
  }
  const json& exit = json_at(h, {"target_exit"});
  if (exit.is_string()) s += "<p class=\"fail\">System under test: " + cell(exit) + ".</p>\n";
  const json& dead = json_at(h, {"activities_dead"});
  if (dead.is_array()) {
    for (const auto& d : dead) {
      s += "<p class=\"fail\">The " + cell(json_at(d, {"name"})) + " stopped working at " +
           cell(json_at(d, {"at_s"})) + " s: " + cell(json_at(d, {"problem"})) + ".</p>\n";
    }
  }
  return s;
}

// The option's read entries in summary.json: its queries, or its requests for an HTTP run.
const json& read_entries(const RunData& run, const std::string& option) {
  return json_at(run.option_summary(option), {run.is_http() ? "requests" : "queries"});
}

std::string entries_table(const RunData& run, const std::string& option) {
  const ReadSeries reads = read_series(run.is_http());
  const json& entries = read_entries(run, option);
  if (!entries.is_object() || entries.empty()) return "<p class=\"muted\">No reads measured.</p>\n";
  std::string t =
      "<table>\n" +
      row({reads.tag, "count", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"}, true);
  for (const auto& [name, e] : entries.items()) {
    const json& all = json_at(e, {"all"});
    t += "<tr><td><code>" + html_escape(name) + "</code></td>";
    t += num_td(cell(json_at(all, {"count"}))) + num_td(cell(json_at(all, {"errors"})));
    t += num_td(cell(json_at(all, {"throughput_per_s"}), 1));
    for (const char* k : {"p50_ms", "p95_ms", "p99_ms", "max_ms"})
      t += num_td(cell(json_at(all, {k})));
    t += "</tr>\n";
  }
  return t + "</table>\n";
}

// "m [lo, hi]" of a figure's across-trials block, or a dash.
std::string median_ci(const json& figure, int decimals) {
  const json& m = json_at(figure, {"median"});
  const json& ci = figure.is_object() && figure.contains("ci") ? figure["ci"] : json();
  if (!m.is_number()) return "–";
  std::string s = fixed(m.get<double>(), decimals);
  if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number()) {
    s += " <span class=\"muted\">[" + fixed(ci[0].get<double>(), decimals) + ", " +
         fixed(ci[1].get<double>(), decimals) + "]</span>";
  }
  return s;
}

// The spread across a run's trials (summary.json's `trials` block of each entry): the median of
// each figure with its interval, and every trial's p95, so a reader sees how far one trial is
// from another before trusting a single number. Empty for a run of one trial.
std::string trials_table(const RunData& run, const std::string& option) {
  const ReadSeries reads = read_series(run.is_http());
  const json& entries = read_entries(run, option);
  if (!entries.is_object()) return "";
  std::string t;
  double level = 0;
  std::size_t n = 0;
  for (const auto& [name, e] : entries.items()) {
    const json& tr = json_at(e, {"trials"});
    if (!tr.is_object()) continue;
    if (t.empty()) {
      t = "<table>\n" +
          row({reads.tag, "p50 ms", "p95 ms", "p99 ms", "per s", "p95 ms of each trial"}, true);
    }
    const json& l = json_at(tr, {"p95_ms", "ci_level"});
    if (l.is_number()) level = l.get<double>();
    if (json_at(tr, {"n"}).is_number()) n = json_at(tr, {"n"}).get<std::size_t>();
    t += "<tr><td><code>" + html_escape(name) + "</code></td>";
    for (const char* k : {"p50_ms", "p95_ms", "p99_ms"})
      t += num_td(median_ci(json_at(tr, {k}), 3));
    t += num_td(median_ci(json_at(tr, {"throughput_per_s"}), 1));
    std::string each;
    const json& values = json_at(tr, {"p95_ms", "values"});
    if (values.is_array()) {
      for (const auto& v : values) each += (each.empty() ? "" : ", ") + cell(v, 2);
    }
    t += num_td(each) + "</tr>\n";
  }
  if (t.empty()) return "";
  return "<p>Across " + std::to_string(n) + " trials: the median of the trials' figures, in " +
         "brackets the interval that covers the median with " + fixed(level * 100, 1) +
         "% confidence (order statistics).</p>\n" + t + "</table>\n";
}

std::string refreshes_line(const json& option_summary) {
  const auto spans = refresh_spans(option_summary);
  if (spans.empty()) return "";
  int failed = 0;
  double longest = 0;
  for (const auto& s : spans) {
    failed += s.ok ? 0 : 1;
    longest = std::max(longest, s.to_s - s.from_s);
  }
  return "<p>Materialized-view refreshes: " + std::to_string(spans.size()) + " (" +
         std::to_string(failed) + " failed), longest " + fixed(longest * 1000, 1) + " ms.</p>\n";
}

std::string steps_table(const json& option_summary) {
  const json& steps = json_at(option_summary, {"steps"});
  if (!steps.is_array() || steps.empty()) return "";
  std::string t = "<table>\n" + row({"at s", "step or fault", "ok", "error"}, true);
  for (const auto& st : steps) {
    t += "<tr>" + num_td(cell(json_at(st, {"at_s"}), 1)) + "<td>" + cell(json_at(st, {"what"})) +
         "</td><td>" + cell(json_at(st, {"ok"})) + "</td><td>" + cell(json_at(st, {"error"})) +
         "</td></tr>\n";
  }
  return t + "</table>\n";
}

std::string option_sections(const RunData& run) {
  std::string s;
  for (const auto& o : run.options) {
    const json& os = run.option_summary(o);
    s += "<h3>Option " + html_escape(o) + "</h3>\n";
    const json& measured = json_at(os, {"measured"});
    if (measured.is_boolean() && !measured.get<bool>()) {
      s += "<p class=\"muted\">Not measured: the run stopped before this option.</p>\n";
      continue;
    }
    s += entries_table(run, o) + trials_table(run, o) + refreshes_line(os) + health_line(os);
    const json& dropped = json_at(os, {"dropped_iterations"});
    if (dropped.is_number() && dropped.get<double>() > 0) {
      s += "<p>Dropped iterations: " + cell(dropped) + ".</p>\n";
    }
    s += steps_table(os);
  }
  return s;
}

std::string figure_html(const PageFigure& f) {
  return "<figure id=\"" + html_escape(f.figure.name) + "\">\n<h2>" + html_escape(f.figure.title) +
         "</h2>\n" + inline_svg(f.svg, f.figure.name, f.figure.title) + "\n<figcaption>" +
         html_escape(f.figure.caption) + " <a href=\"" + html_escape(f.png_href) +
         "\">PNG</a> · <a href=\"" + html_escape(f.svg_href) +
         "\">SVG</a></figcaption>\n</figure>\n";
}

// Replaces every `from` by `to` when preceded by whitespace (or always, if !word_start).
void replace_all(std::string& s, std::string_view from, std::string_view to, bool word_start) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) {
    if (word_start && (at == 0 || (s[at - 1] != ' ' && s[at - 1] != '\t' && s[at - 1] != '\n'))) {
      at += from.size();
      continue;
    }
    s.replace(at, from.size(), to);
    at += to.size();
  }
}

}  // namespace

std::string html_escape(std::string_view text) { return markup_escape(text); }

std::string inline_svg(std::string_view svg, std::string_view id_prefix, std::string_view title) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return "";
  std::string s(svg.substr(start));
  const std::string p = std::string(id_prefix) + "-";
  for (const char q : {'\'', '"'}) {
    replace_all(s, std::string("id=") + q, std::string("id=") + q + p, true);
    replace_all(s, std::string("href=") + q + "#", std::string("href=") + q + "#" + p, false);
  }
  replace_all(s, "url(#", "url(#" + p, false);
  replace_all(s, "<title>Gnuplot</title>", "<title>" + html_escape(title) + "</title>", false);
  return s;
}

std::string render_html(const RunData& run, const std::vector<PageFigure>& figures,
                        const std::vector<std::string>& notes) {
  const std::string name = cell(json_at(run.summary, {"scenario", "name"}));
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>loadgate report: " +
      name + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>loadgate report: " + name + "</h1>\n<p class=\"muted\">" +
       cell(json_at(run.summary, {"scenario", "description"})) + "</p>\n";
  h += banners(run, notes) + metadata(run);
  h += "<h2>Thresholds</h2>\n" + thresholds(run) + invariants(run);
  for (const auto& f : figures) h += figure_html(f);
  h += "<h2>Per option</h2>\n" + option_sections(run);
  h += "<p class=\"muted\">Written by <code>loadgate report</code> from the run folder's "
       "summary.json, timeseries.csv and series.json.</p>\n</body>\n</html>\n";
  return h;
}

std::string render_trend_html(const std::vector<TrendRun>& runs,
                              const std::vector<PageFigure>& figures) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>loadgate trend</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n";
  std::size_t passed = 0;
  for (const auto& r : runs) passed += r.verdict == "pass" ? 1 : 0;
  h += "<h1>loadgate trend: " + std::to_string(runs.size()) + " runs</h1>\n<p class=\"muted\">" +
       std::to_string(passed) + " passed, " + std::to_string(runs.size() - passed) +
       " did not.</p>\n";
  for (const auto& f : figures) h += figure_html(f);
  h += "<h2>Runs</h2>\n<table>\n<tr><th>#</th><th>run</th><th>started</th><th>verdict</th></tr>\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const char* cls = r.verdict == "pass" ? "pass" : "fail";
    h += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><td>" + html_escape(r.id) +
         "</td><td>" + html_escape(r.started_at) + "</td><td class=\"" + cls + "\">" +
         html_escape(r.verdict) + "</td></tr>\n";
  }
  h += "</table>\n<p class=\"muted\">Written by <code>loadgate report</code> from each run "
       "folder's summary.json.</p>\n</body>\n</html>\n";
  return h;
}

}  // namespace lg::report
