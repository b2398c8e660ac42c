#pragma once
// The tag loadgate gives each series in latency.hlog, and its inverse for readers of the log.

#include <optional>
#include <string>
#include <string_view>

#include "harness/core/tags.hpp"

namespace lg::results {

/// The log tag of a series: "<metric>{key:value;key:value}" (the log forbids commas and spaces,
/// so ';' separates tags and spaces or commas inside values become '_').
std::string hlog_tag(const std::string& metric, const Tags& tags);

/// A series as named by its log tag.
struct TaggedSeries {
  std::string metric;
  Tags tags;  ///< sorted (make_tags)
};

/// Inverse of hlog_tag (values that had a space or comma keep the '_'). nullopt when `tag` is not
/// of that form: no braces, a tag without ':' or an empty key.
std::optional<TaggedSeries> parse_hlog_tag(std::string_view tag);

}  // namespace lg::results
