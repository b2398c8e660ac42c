// report.html pieces: escaping of user text (scenario names, tags) into HTML and gnuplot,
// gnuplot SVGs made safe to inline several times in one page, and the page's verdict sections.

#include <gtest/gtest.h>

#include "harness/report/gnuplot.hpp"
#include "harness/report/html.hpp"

namespace lg::report {
namespace {

TEST(ReportHtml, EscapesMarkupInText) {
  EXPECT_EQ(html_escape("<b a=\"x\">&'</b>"), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;");
  EXPECT_EQ(html_escape("sku_lookup"), "sku_lookup");
}

TEST(ReportGnuplot, QuotesStringsSoTagsCannotEndACommand) {
  EXPECT_EQ(gp_quote("ramp-up"), "'ramp-up'");
  EXPECT_EQ(gp_quote("it's"), "'it''s'");
  // A newline would end the gnuplot command and start another one.
  EXPECT_EQ(gp_quote("a\n! rm -rf /"), "'a ! rm -rf /'");
}

constexpr const char* kGnuplotSvg = R"svg(<?xml version="1.0" encoding="utf-8"  standalone="no"?>
<svg
 viewBox="0 0 600 400"
 xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink"
>
<title>Gnuplot</title>
<g id="gnuplot_canvas">
<defs>
	<circle id='gpDot' r='0.5'/>
	<path id='gpPt0' d='M-1,0 h2'/>
	<use xlink:href='#gpPt0' id='gpPt6' fill='currentColor'/>
	<filter id='textbox'><feFlood flood-color='#FFFFFF'/></filter>
</defs>
<g transform="translate(1,2)" style='filter:url(#textbox)'><text>x</text></g>
</g>
</svg>
)svg";

TEST(ReportHtml, InlinedSvgsGetUniqueIdsAndKeepTheirReferences) {
  const std::string a = inline_svg(kGnuplotSvg, "latency", "Latency <over> time");
  EXPECT_EQ(a.rfind("<svg", 0), 0u) << "the XML prolog must go: it is invalid inside HTML";
  EXPECT_NE(a.find("id=\"latency-gnuplot_canvas\""), std::string::npos);
  EXPECT_NE(a.find("id='latency-gpPt0'"), std::string::npos);
  EXPECT_NE(a.find("xlink:href='#latency-gpPt0'"), std::string::npos);
  EXPECT_NE(a.find("url(#latency-textbox)"), std::string::npos);
  EXPECT_EQ(a.find("'#gpPt0'"), std::string::npos);
  // Colours are not ids.
  EXPECT_NE(a.find("flood-color='#FFFFFF'"), std::string::npos);
  EXPECT_NE(a.find("<title>Latency &lt;over&gt; time</title>"), std::string::npos);
  const std::string b = inline_svg(kGnuplotSvg, "spectrum", "s");
  EXPECT_NE(b.find("id='spectrum-gpPt0'"), std::string::npos);
  EXPECT_EQ(inline_svg("not an svg", "x", "t"), "");
}

RunData run_with(const std::string& summary) {
  RunData run;
  run.summary = nlohmann::json::parse(summary);
  for (const auto& [k, v] : run.summary["options"].items()) run.options.push_back(k);
  return run;
}

TEST(ReportHtml, PageShowsVerdictThresholdsAndEscapesUserText) {
  const RunData run = run_with(R"js({
    "run": {"id": "r1", "complete": true},
    "scenario": {"name": "<script>alert(1)</script>", "database": {"options": ["A"]}},
    "options": {"A": {"queries": {"sku_lookup": {"all": {"count": 10, "errors": 0,
        "throughput_per_s": 5.0, "p50_ms": 0.25, "p95_ms": 1.5, "p99_ms": 2.0, "max_ms": 3.0}}}}},
    "thresholds": [
      {"metric": "sql_duration", "expression": "p(95)<1", "observed": 1.5, "samples": 10,
       "passed": false, "detail": "", "location": "s.toml:9"},
      {"metric": "sql_failed", "expression": "rate<0.01", "observed": 0.0, "samples": 10,
       "passed": true, "detail": "", "location": "s.toml:10"}],
    "verdict": "fail"})js");
  const std::string html = render_html(run, {}, {"series.json is missing"});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"fail\">fail</span>"), std::string::npos);
  EXPECT_NE(html.find("✗ fail"), std::string::npos);
  EXPECT_NE(html.find("✓ pass"), std::string::npos);
  EXPECT_NE(html.find("p(95)&lt;1"), std::string::npos);
  EXPECT_NE(html.find("sku_lookup"), std::string::npos);
  EXPECT_NE(html.find("1.500"), std::string::npos);
  EXPECT_NE(html.find("series.json is missing"), std::string::npos);
  EXPECT_EQ(html.find("incomplete"), std::string::npos);
}

TEST(ReportHtml, IncompleteRunsSayWhyAndWhichOptionWasNotMeasured) {
  const RunData run = run_with(R"js({
    "run": {"id": "r2", "complete": false, "incomplete_reason": "interrupted (SIGINT)"},
    "options": {"A": {"measured": true, "queries": {}}, "B": {"measured": false}},
    "thresholds": [], "verdict": "pass"})js");
  const std::string html = render_html(run, {}, {});
  EXPECT_NE(html.find("<b>incomplete</b>: interrupted (SIGINT)"), std::string::npos);
  EXPECT_NE(html.find("Not measured"), std::string::npos);
  EXPECT_NE(html.find("No thresholds"), std::string::npos);
}

TEST(ReportHtml, ARunOfTrialsShowsTheSpreadOfEachQuery) {
  const RunData run = run_with(R"js({
    "run": {"trials": 3},
    "options": {"A": {"queries": {"sku_lookup": {
      "all": {"count": 30, "errors": 0, "throughput_per_s": 5.0, "p50_ms": 0.2, "p95_ms": 1.5,
              "p99_ms": 2.0, "max_ms": 3.0},
      "trials": {"n": 3,
        "p50_ms": {"values": [0.2, 0.21, 0.19], "median": 0.2, "ci": [0.19, 0.21], "ci_level": 0.75},
        "p95_ms": {"values": [1.25, 1.5, 1.75], "median": 1.5, "ci": [1.25, 1.75], "ci_level": 0.75},
        "p99_ms": {"values": [2, 2, 2], "median": 2.0, "ci": [2.0, 2.0], "ci_level": 0.75},
        "throughput_per_s": {"values": [5, 5, 5], "median": 5.0, "ci": [5.0, 5.0],
                             "ci_level": 0.75}}}}}},
    "thresholds": [], "verdict": "pass"})js");
  const std::string html = render_html(run, {}, {});
  EXPECT_NE(html.find("<td>trials</td><td>3 per option"), std::string::npos) << html;
  EXPECT_NE(html.find("Across 3 trials"), std::string::npos);
  EXPECT_NE(html.find("75.0% confidence"), std::string::npos);
  // The p95 median with its interval, then every trial's p95 in trial order.
  EXPECT_NE(html.find("1.500 <span class=\"muted\">[1.250, 1.750]</span>"), std::string::npos);
  EXPECT_NE(html.find("1.25, 1.50, 1.75"), std::string::npos);
}

TEST(ReportHtml, ARunOfOneTrialHasNoTrialsTable) {
  const RunData run = run_with(R"js({"options": {"A": {"queries": {"sku_lookup": {"all": {
      "count": 1, "p95_ms": 1.0}}}}}})js");
  EXPECT_EQ(render_html(run, {}, {}).find("trials"), std::string::npos);
}

TEST(ReportHtml, FiguresAreInlinedWithLinksToTheirFiles) {
  const RunData run = run_with(R"js({"options": {"A": {}}})js");
  PageFigure f{{"latency_over_time", "Latency over time", "how to read it", {}, {}},
               kGnuplotSvg,
               "plots/latency_over_time.png",
               "plots/latency_over_time.svg"};
  const std::string html = render_html(run, {f}, {});
  EXPECT_NE(html.find("<figure id=\"latency_over_time\">"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_NE(html.find("href=\"plots/latency_over_time.png\""), std::string::npos);
  EXPECT_NE(html.find("how to read it"), std::string::npos);
}

}  // namespace
}  // namespace lg::report
