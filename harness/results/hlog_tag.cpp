#include "harness/results/hlog_tag.hpp"

namespace lg::results {
namespace {

std::string log_safe(std::string s) {
  for (char& c : s) {
    if (c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t') c = '_';
  }
  return s;
}

}  // namespace

std::string hlog_tag(const std::string& metric, const Tags& tags) {
  std::string out = log_safe(metric) + "{";
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i) out += ';';
    out += log_safe(tags[i].first) + ":" + log_safe(tags[i].second);
  }
  return out + "}";
}

std::optional<TaggedSeries> parse_hlog_tag(std::string_view tag) {
  const auto open = tag.find('{');
  if (open == 0 || open == std::string_view::npos || !tag.ends_with('}')) return std::nullopt;
  TaggedSeries out{std::string(tag.substr(0, open)), {}};
  std::string_view body = tag.substr(open + 1, tag.size() - open - 2);
  while (!body.empty()) {
    const auto end = std::min(body.find(';'), body.size());
    const std::string_view kv = body.substr(0, end);
    const auto colon = kv.find(':');
    if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
    out.tags.emplace_back(kv.substr(0, colon), kv.substr(colon + 1));
    body.remove_prefix(std::min(end + 1, body.size()));
  }
  out.tags = make_tags(std::move(out.tags));
  return out;
}

}  // namespace lg::results
