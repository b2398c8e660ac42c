#include "harness/run/invariants.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <utility>

namespace lg::run {
namespace {

void append(std::string& detail, const std::string& part) {
  if (!detail.empty()) detail += "; ";
  detail += part;
}

std::int64_t counter(const std::vector<metrics::SeriesStats>& series, const std::string& metric,
                     const std::string& option) {
  std::int64_t sum = 0;
  for (const auto& s : series) {
    if (s.metric == metric && tag_value(s.tags, "option") == option) sum += s.count;
  }
  return sum;
}

std::string label(const results::OptionReport& o) { return "option " + o.option; }

gate::InvariantResult refreshes(const std::vector<results::OptionReport>& options) {
  gate::InvariantResult r{"refresh_failures", true, ""};
  for (const auto& o : options) {
    if (o.refreshes_failed == 0) continue;
    int attempts_failed = 0;
    std::string last;
    for (const auto& ev : o.refreshes) {
      if (ev.ok) continue;
      ++attempts_failed;
      last = ev.error;
    }
    r.passed = false;
    append(r.detail, label(o) + ": " + std::to_string(o.refreshes_failed) +
                         " refreshes failed for good (" + std::to_string(attempts_failed) + " of " +
                         std::to_string(o.refreshes.size()) + " attempts failed; last: " + last +
                         ")");
  }
  return r;
}

gate::InvariantResult staleness(const std::vector<results::OptionReport>& options) {
  gate::InvariantResult r{"staleness_unseen", true, ""};
  for (const auto& o : options) {
    std::string part;
    if (o.staleness_overdue > 0) {
      part = std::to_string(o.staleness_overdue) + " of " + std::to_string(o.staleness_markers) +
             " markers never seen though a later refresh succeeded";
    }
    if (o.staleness_write_failures + o.staleness_poll_failures > 0) {
      append(part, std::to_string(o.staleness_write_failures) + " marker writes and " +
                       std::to_string(o.staleness_poll_failures) +
                       " view polls failed (last: " + o.staleness_error + ")");
    }
    if (part.empty()) continue;
    r.passed = false;
    append(r.detail, label(o) + ": " + part);
  }
  return r;
}

gate::InvariantResult connections(const std::vector<results::OptionReport>& options,
                                  const std::vector<metrics::SeriesStats>& series) {
  gate::InvariantResult r{"connection_loss", true, ""};
  for (const auto& o : options) {
    std::string part;
    const auto lost = counter(series, "connections_lost", o.option);
    if (lost > 0) {
      part = std::to_string(lost) + " VU connections lost, " +
             std::to_string(counter(series, "reconnects", o.option)) + " re-established";
    }
    std::map<std::string, std::pair<int, int>> background;  // who -> (lost, reconnected)
    for (const auto& ev : o.connection_events) {
      auto& [l, rc] = background[ev.who];
      (ev.what == "lost" ? l : rc) += 1;
    }
    for (const auto& [who, n] : background) {
      if (n.first == 0) continue;
      append(part, who + " lost its connection " + std::to_string(n.first) + "×, reconnected " +
                       std::to_string(n.second) + "×");
    }
    if (part.empty()) continue;
    r.passed = false;
    append(r.detail, label(o) + ": " + part);
  }
  return r;
}

gate::InvariantResult target(const std::vector<results::OptionReport>& options) {
  gate::InvariantResult r{"target_exit", true, ""};
  for (const auto& o : options) {
    if (o.target_exit.empty()) continue;
    r.passed = false;
    append(r.detail, label(o) + ": " + o.target_exit);
  }
  return r;
}

gate::InvariantResult activities(const std::vector<results::OptionReport>& options) {
  gate::InvariantResult r{"activities", true, ""};
  for (const auto& o : options) {
    for (const auto& d : o.activities_dead) {
      r.passed = false;
      char at[32];
      std::snprintf(at, sizeof at, "%.1f", d.at_s);
      append(r.detail,
             label(o) + ": the " + d.name + " stopped working at " + at + " s: " + d.problem);
    }
  }
  return r;
}

}  // namespace

std::vector<gate::InvariantResult> check_invariants(
    const scenario::InvariantsSpec& spec, const std::vector<results::OptionReport>& options,
    const std::vector<metrics::SeriesStats>& series) {
  std::vector<gate::InvariantResult> out;
  if (spec.refresh_failures) out.push_back(refreshes(options));
  if (spec.staleness_unseen) out.push_back(staleness(options));
  if (spec.connection_loss) out.push_back(connections(options, series));
  if (spec.target_exit) out.push_back(target(options));
  if (spec.activities) out.push_back(activities(options));
  return out;
}

}  // namespace lg::run
