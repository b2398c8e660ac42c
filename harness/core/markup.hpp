#pragma once
// Escaping text for XML and HTML (junit.xml, report.html): one rule for both.

#include <string>
#include <string_view>

namespace lg {

/// `text` with & < > " ' replaced by entities, safe inside element content and quoted
/// attributes of XML 1.0 and HTML. Control characters XML 1.0 forbids even escaped (all below
/// 0x20 except tab, newline and carriage return) are dropped.
std::string markup_escape(std::string_view text);

}  // namespace lg
