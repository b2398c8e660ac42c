#pragma once
// report.html: run metadata, threshold verdicts, per-option statistics and the plots, in one
// self-contained page (inline CSS and SVG, no script, no external resource).

#include <string>
#include <string_view>
#include <vector>

#include "harness/report/plots.hpp"
#include "harness/report/run_data.hpp"
#include "harness/report/trend.hpp"

namespace lg::report {

/// `text` with & < > " ' escaped, safe in HTML text and quoted attribute values.
std::string html_escape(std::string_view text);

/// A gnuplot SVG made fit to inline into a page: everything before `<svg` (XML prolog, DOCTYPE)
/// dropped, every id prefixed with `id_prefix` (and every `#id` reference to it), because all
/// gnuplot SVGs use the same ids and ids must be unique in a page; gnuplot's `<title>` replaced
/// by `title`. Returns an empty string when `svg` holds no `<svg` element.
std::string inline_svg(std::string_view svg, std::string_view id_prefix, std::string_view title);

/// A figure and what the page embeds of it.
struct PageFigure {
  Figure figure;
  std::string svg;       ///< the SVG file's text
  std::string png_href;  ///< relative link from report.html to the PNG
  std::string svg_href;  ///< relative link from report.html to the SVG file
};

/// The whole page. `notes` are shown under the metadata (e.g. why a plot is missing).
std::string render_html(const RunData& run, const std::vector<PageFigure>& figures,
                        const std::vector<std::string>& notes);

/// The trend page of several runs (trend.html): the figures, then a table of the runs with
/// their verdicts, oldest first.
std::string render_trend_html(const std::vector<TrendRun>& runs,
                              const std::vector<PageFigure>& figures);

}  // namespace lg::report
