#include "harness/results/aggregate.hpp"

#include <algorithm>

namespace lg::results {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

}  // namespace

std::string stage_tag(const scenario::ExecutorSpec& spec, std::size_t stage) {
  if (stage < spec.stages.size() && !spec.stages[stage].name.empty()) {
    return spec.stages[stage].name;
  }
  return std::to_string(stage);
}

bool derives_failed_rate(const std::string& metric) {
  const std::string suffix = "_duration";
  return metric.size() > suffix.size() &&
         metric.compare(metric.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string failed_metric_for(const std::string& trend_metric) {
  const std::string suffix = "_duration";
  if (trend_metric.size() > suffix.size() &&
      trend_metric.compare(trend_metric.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return trend_metric.substr(0, trend_metric.size() - suffix.size()) + "_failed";
  }
  return trend_metric + "_failed";
}

void RunAggregate::begin_option(const std::string& option,
                                const std::vector<metrics::SlotSpec>& slots,
                                const scenario::ExecutorSpec& spec, int trial, Nanos offset) {
  option_ = option;
  trial_ = trial;
  offset_ = offset;
  spec_ = &spec;
  slots_ = slots;
  slots_by_option_[option_] = slots;
  spec_by_option_[option_] = &spec;
}

void RunAggregate::add_interval(const exec::IntervalInfo& info,
                                std::vector<metrics::SlotData>&& data) {
  const std::string stage = stage_tag(*spec_, info.stage);
  if (!info.background_tail) stage_ns_[{option_, trial_, info.stage}] += info.end - info.start;
  for (std::size_t i = 0; i < data.size(); ++i) {
    auto& d = data[i];
    out_of_range_ += d.out_of_range;
    if (d.count == 0) continue;
    const auto& slot = slots_[i];
    TimeseriesRow row{option_,
                      stage,
                      static_cast<double>(info.start + offset_) / 1e9,
                      static_cast<double>(info.end + offset_) / 1e9,
                      slot.metric,
                      slot.tags,
                      d.count,
                      d.errors};
    row.by_class = d.by_class;
    if (slot.kind == metrics::MetricKind::kTrend) {
      row.p50_ms = ms(d.hist.value_at_percentile(50));
      row.p95_ms = ms(d.hist.value_at_percentile(95));
      row.p99_ms = ms(d.hist.value_at_percentile(99));
      row.max_ms = ms(d.hist.max());
    }
    row.vus = info.vus;
    row.refresh_in_flight = info.refresh_in_flight;
    row.trial = std::max(1, trial_);
    rows_.push_back(std::move(row));
    auto [it, inserted] = totals_.try_emplace(Key{option_, trial_, info.stage, i});
    it->second.add(d);
  }
}

std::vector<metrics::SeriesStats> RunAggregate::series() const {
  std::vector<metrics::SeriesStats> out;
  for (const auto& [key, d] : totals_) {
    const auto& slot = slots_by_option_.at(key.option)[key.slot];
    const auto& spec = *spec_by_option_.at(key.option);
    Tags tags = slot.tags;
    tags.emplace_back("option", key.option);
    tags.emplace_back("stage", stage_tag(spec, key.stage));
    if (key.trial > 0) tags.emplace_back("trial", std::to_string(key.trial));
    tags = make_tags(std::move(tags));
    // Rates are counts over the time really collected (a late collector lengthens intervals),
    // not over the planned stage length.
    const auto collected = stage_ns_.find({key.option, key.trial, key.stage});
    const double seconds =
        collected != stage_ns_.end() ? static_cast<double>(collected->second) / 1e9 : 0.0;
    metrics::SeriesStats s{slot.metric, slot.kind, tags,    std::nullopt,
                           d.count,     d.errors,  seconds, d.by_class};
    if (slot.kind == metrics::MetricKind::kTrend) s.hist = d.hist;
    if (slot.kind == metrics::MetricKind::kTrend && derives_failed_rate(slot.metric)) {
      out.push_back(metrics::SeriesStats{failed_metric_for(slot.metric), metrics::MetricKind::kRate,
                                         tags, std::nullopt, d.count, d.errors, seconds,
                                         d.by_class});
    }
    // k6's http_reqs and iterations: every request / completed iteration, as a counter.
    if (slot.metric == "http_req_duration" || slot.metric == "iteration_duration") {
      const char* counter = slot.metric == "http_req_duration" ? "http_reqs" : "iterations";
      out.push_back(metrics::SeriesStats{counter, metrics::MetricKind::kCounter, tags, std::nullopt,
                                         d.count, d.errors, seconds});
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace lg::results
