#include "harness/results/progress.hpp"

#include "harness/results/aggregate.hpp"

namespace lg::results {
namespace {

constexpr Nanos kPlainEvery = 5 * kNanosPerSecond;

}  // namespace

void ProgressLine::begin_option(const std::string& option, const scenario::ExecutorSpec& spec,
                                const std::vector<metrics::SlotSpec>& slots) {
  option_ = option;
  spec_ = &spec;
  is_read_.clear();
  for (const auto& s : slots) {
    is_read_.push_back((s.metric == "sql_duration" && tag_value(s.tags, "kind") == "read") ||
                       s.metric == "http_req_duration");
  }
  reads_.reset();
  count_ = errors_ = 0;
  last_print_ = -kPlainEvery;  // the first interval prints
}

void ProgressLine::interval(const exec::IntervalInfo& info,
                            const std::vector<metrics::SlotData>& data, int refreshes) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < data.size() && i < is_read_.size(); ++i) {
    if (!is_read_[i]) continue;
    reads_.add(data[i].hist);
    n += data[i].count;
    errors_ += data[i].errors;
  }
  count_ += n;
  const double span = static_cast<double>(info.end - info.start) / 1e9;
  const double rate = span > 0 ? static_cast<double>(n) / span : 0;
  if (tty_) {
    std::fprintf(out_, "\r\x1b[2K%s", line(info, rate, refreshes).c_str());
    std::fflush(out_);
  } else if (info.end - last_print_ >= kPlainEvery) {
    last_print_ = info.end;
    std::fprintf(out_, "%s\n", line(info, rate, refreshes).c_str());
  }
}

std::string ProgressLine::line(const exec::IntervalInfo& info, double rate, int refreshes) const {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "option %s  stage %-10s %5.1fs/%.0fs  VUs %3d  %8.1f reads/s  p95 %7.3f ms  "
                "errors %lld  refreshes %d",
                option_.c_str(), stage_tag(*spec_, info.stage).c_str(),
                static_cast<double>(info.end) / 1e9,
                static_cast<double>(spec_->total_duration()) / 1e9, info.vus, rate,
                static_cast<double>(reads_.value_at_percentile(95)) / 1000.0,
                static_cast<long long>(errors_), refreshes);
  return buf;
}

void ProgressLine::end_option() {
  if (tty_) std::fputc('\n', out_);
}

}  // namespace lg::results
