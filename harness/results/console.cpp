#include <cstdio>

#include "harness/results/report.hpp"
#include "harness/results/stats.hpp"
#include "harness/results/trials.hpp"

namespace lg::results {
namespace {

std::string fmt(const char* f, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

// Failures by class over the option's operations, lost connections, the target's exit.
std::string health_lines(const RunReport& r, const OptionReport& o) {
  const std::string& opt = o.option;
  ErrorCounts errors{};
  std::int64_t lost = 0, reconnects = 0;
  for (const auto& s : r.series) {
    if (tag_value(s.tags, "option") != opt) continue;
    if (s.metric == "sql_duration" || s.metric == "http_req_duration") {
      for (std::size_t i = 0; i < kErrorClasses; ++i) errors[i] += s.by_class[i];
    }
    if (s.metric == "connections_lost") lost += s.count;
    if (s.metric == "reconnects") reconnects += s.count;
  }
  std::string out;
  std::string classes;
  for (std::size_t i = 0; i < kErrorClasses; ++i) {
    if (errors[i] == 0) continue;
    classes += fmt("%s%s %lld", classes.empty() ? "" : ", ",
                   std::string(error_class_name(error_class_at(i))).c_str(),
                   static_cast<long long>(errors[i]));
  }
  if (!classes.empty()) out += "  errors: " + classes + "\n";
  if (lost > 0 || reconnects > 0) {
    out += fmt("  VU connections: %lld lost, %lld re-established\n", static_cast<long long>(lost),
               static_cast<long long>(reconnects));
  }
  for (const auto& ev : o.connection_events) {
    out += fmt("  %s %s at %.1fs%s%s\n", ev.who.c_str(),
               ev.what == "lost" ? "lost its connection" : "reconnected",
               static_cast<double>(ev.at) / 1e9, ev.error.empty() ? "" : ": ", ev.error.c_str());
  }
  if (!o.target_exit.empty()) out += "  system under test: " + o.target_exit + "\n";
  for (const auto& d : o.activities_dead) {
    out +=
        fmt("  the %s stopped working at %.1fs: %s\n", d.name.c_str(), d.at_s, d.problem.c_str());
  }
  if (!o.buffer_stats_error.empty()) {
    out += "  buffer statistics unavailable: " + o.buffer_stats_error + "\n";
  }
  return out;
}

// "0.412 [0.401-0.430]": the median across trials and its interval.
std::string median_cell(const std::vector<TrialStats>& trials, const std::string& key,
                        const char* number) {
  std::vector<double> v;
  for (const auto& t : trials) v.push_back(trial_figure(t.stats, key));
  const auto m = median_interval(v);
  const std::string f = std::string(number) + " [" + number + "-" + number + "]";
  return fmt(f.c_str(), m->median, m->lower, m->upper);
}

// With several trials: per entry the median across trials and its interval, the spread a user
// judges a difference against (the table above pools every trial's samples).
std::string trials_table(const RunReport& r, const std::string& opt) {
  std::string out;
  auto line = [&](const std::string& label, const Tags& filter, const char* metric) {
    const auto trials = per_trial(r.series, metric, filter);
    if (trials.size() < 2) return;
    if (out.empty()) {
      const auto m = median_interval(std::vector<double>(trials.size(), 0.0));
      out = fmt("  across %zu trials: median [%.0f%% interval]\n", trials.size(), 100 * m->level);
      out += fmt("  %-22s %26s %26s %26s\n", "query", "p50 ms", "p95 ms", "rate/s");
    }
    out += fmt("  %-22s %26s %26s %26s\n", label.c_str(),
               median_cell(trials, "p50_ms", "%.3f").c_str(),
               median_cell(trials, "p95_ms", "%.3f").c_str(),
               median_cell(trials, "throughput_per_s", "%.1f").c_str());
  };
  for (const auto& q : tag_values(r.series, "sql_duration", "query")) {
    line(q, make_tags({{"option", opt}, {"query", q}, {"kind", "read"}}), "sql_duration");
  }
  for (const auto& q : tag_values(r.series, "http_req_duration", "request")) {
    line(q, make_tags({{"option", opt}, {"request", q}}), "http_req_duration");
  }
  line("(all reads)", make_tags({{"option", opt}, {"kind", "read"}}), "sql_duration");
  line("(all requests)", make_tags({{"option", opt}}), "http_req_duration");
  return out;
}

std::string option_table(const RunReport& r, const OptionReport& o) {
  const std::string& opt = o.option;
  std::string out = fmt("\noption %s%s\n", opt.c_str(), o.measured ? "" : "  (not measured)");
  out += fmt("  %-22s %8s %9s %6s %9s %9s %9s %9s\n", "query", "count", "rate/s", "errors",
             "p50 ms", "p95 ms", "p99 ms", "max ms");
  // A rate needs the time the subset covered: unknown for "during refresh", so not shown.
  auto line = [&](const std::string& label, const Tags& filter, const char* metric,
                  bool with_rate = true) {
    if (auto m = merge_series(r.series, metric, filter)) {
      const auto s = latency_stats(*m);
      const std::string rate = with_rate ? fmt("%.1f", s.throughput) : "-";
      out += fmt("  %-22s %8lld %9s %6lld %9.3f %9.3f %9.3f %9.3f\n", label.c_str(),
                 static_cast<long long>(s.count), rate.c_str(), static_cast<long long>(s.errors),
                 s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms);
    }
  };
  for (const auto& q : tag_values(r.series, "sql_duration", "query")) {
    line(q, make_tags({{"option", opt}, {"query", q}, {"kind", "read"}}), "sql_duration");
  }
  for (const auto& q : tag_values(r.series, "http_req_duration", "request")) {
    line(q, make_tags({{"option", opt}, {"request", q}}), "http_req_duration");
  }
  for (const auto& src : tag_values(r.series, "http_req_duration", "read_source")) {
    line("(source " + src + ")", make_tags({{"option", opt}, {"read_source", src}}),
         "http_req_duration");
  }
  line("(all requests)", make_tags({{"option", opt}}), "http_req_duration");
  line("(all reads)", make_tags({{"option", opt}, {"kind", "read"}}), "sql_duration");
  line("(writes)", make_tags({{"option", opt}, {"kind", "write"}}), "sql_duration");
  line("(during refresh)",
       make_tags({{"option", opt}, {"kind", "read"}, {"during_refresh", "true"}}), "sql_duration",
       false);
  out += trials_table(r, opt);
  if (!o.refreshes.empty()) {
    int failed = 0, retries = 0;
    for (const auto& ev : o.refreshes) {
      failed += ev.ok ? 0 : 1;
      retries += ev.attempt > 0 ? 1 : 0;
    }
    out += fmt("  refreshes: %zu attempts (%d failed, %d retries)", o.refreshes.size(), failed,
               retries);
    if (auto m = merge_series(r.series, "mv_refresh_duration", make_tags({{"option", opt}}))) {
      const auto s = latency_stats(*m);
      out += fmt(", duration p50 %.1f ms, max %.1f ms", s.p50_ms, s.max_ms);
    }
    out += "\n";
  }
  if (o.staleness_markers > 0) {
    out += fmt("  staleness: %lld markers (%lld not visible by the end)",
               static_cast<long long>(o.staleness_markers),
               static_cast<long long>(o.staleness_unseen));
    if (auto m = merge_series(r.series, "mv_staleness", make_tags({{"option", opt}}))) {
      const auto s = latency_stats(*m);
      out += fmt(", lag p50 %.3f s, p99 %.3f s, max %.3f s", s.p50_ms / 1000, s.p99_ms / 1000,
                 s.max_ms / 1000);
    }
    out += "\n";
  }
  if (auto lag = merge_series(r.series, "schedule_lag", make_tags({{"option", opt}}))) {
    std::int64_t dropped = 0;
    for (const auto& s : r.series) {
      if (s.metric == "dropped_iterations" && tag_value(s.tags, "option") == opt)
        dropped += s.count;
    }
    const auto s = latency_stats(*lag);
    out += fmt("  open model: %lld dropped iterations, schedule lag p99 %.3f ms, max %.3f ms\n",
               static_cast<long long>(dropped), s.p99_ms, s.max_ms);
  }
  for (const auto& j : tag_values(r.series, "iteration_duration", "journey")) {
    const Tags f = make_tags({{"option", opt}, {"journey", j}});
    if (auto m = merge_series(r.series, "iteration_duration", f)) {
      const auto s = latency_stats(*m);
      out += fmt(
          "  journey %s: %lld iterations (%.1f/s), duration p50 %.1f ms, p95 %.1f ms, "
          "p99 %.1f ms (think time included)\n",
          j.c_str(), static_cast<long long>(s.count), s.throughput, s.p50_ms, s.p95_ms, s.p99_ms);
    }
  }
  if (const RateSum c = sum_rate(r.series, "checks", make_tags({{"option", opt}})); c.count > 0) {
    out += fmt("  checks: %.2f%% passed (%lld of %lld)\n", 100.0 * c.rate(),
               static_cast<long long>(c.hits), static_cast<long long>(c.count));
  }
  if (o.interrupted_iterations > 0) {
    out +=
        fmt("  %d iterations interrupted at the stop (not recorded)\n", o.interrupted_iterations);
  }
  for (const auto& e : o.steps) {
    out += fmt("  step at %.1fs: %s%s%s\n", e.at_s, e.what.c_str(),
               e.ok ? "" : " FAILED: ", e.error.c_str());
  }
  out += health_lines(r, o);
  if (o.buffer_hit_ratio) out += fmt("  buffer hit ratio: %.4f\n", *o.buffer_hit_ratio);
  for (const auto& w : o.plan_warnings) out += "  warning: " + w + "\n";
  return out;
}

std::string invariant_lines(const RunReport& r) {
  if (r.invariants.empty()) return "";
  std::string out = "\ninvariants\n";
  for (const auto& i : r.invariants) {
    out += fmt("  %s %s%s%s\n", i.passed ? "\xE2\x9C\x93" : "\xE2\x9C\x97", i.name.c_str(),
               i.detail.empty() ? "" : ": ", i.detail.c_str());
  }
  return out;
}

std::string threshold_lines(const RunReport& r) {
  if (r.thresholds.empty()) return "";
  std::string out = "\nthresholds\n";
  for (const auto& t : r.thresholds) {
    const std::string observed =
        t.observed ? fmt("%.3f", *t.observed) : std::string(t.detail.empty() ? "n/a" : t.detail);
    out += fmt("  %s %s %s  (observed %s)\n", t.passed ? "\xE2\x9C\x93" : "\xE2\x9C\x97",
               t.threshold.selector.c_str(), t.threshold.source.c_str(), observed.c_str());
  }
  return out;
}

}  // namespace

std::string format_console(const RunReport& r) {
  std::string out = fmt("run %s%s\n", r.run_id.c_str(),
                        r.complete ? "" : ("  INCOMPLETE: " + r.incomplete_reason).c_str());
  for (const auto& o : r.options) out += option_table(r, o);
  out += threshold_lines(r);
  out += invariant_lines(r);
  // A run cut short is no pass, whatever held over what it measured.
  std::string verdict = "all thresholds held";
  if (!r.complete) {
    verdict = "INCOMPLETE (" + r.incomplete_reason + ")";
  } else if (!r.thresholds_passed()) {
    verdict = "THRESHOLD CROSSED";
  } else if (!r.invariants_held()) {
    verdict = "INVARIANT BROKEN";
  } else if (!r.invariants.empty()) {
    verdict = "all thresholds held, all invariants held";
  }
  out += fmt("\nverdict: %s   results: %s\n", verdict.c_str(), r.dir.string().c_str());
  return out;
}

}  // namespace lg::results
