#include "harness/results/hlog_sink.hpp"

#include <chrono>
#include <cmath>
#include <map>

#include "harness/core/errors.hpp"

namespace lg::results {

double epoch_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

HlogSink::HlogSink(const std::filesystem::path& file, double run_start_epoch_s)
    : out_(file), writer_(out_, run_start_epoch_s, LOADGATE_VERSION) {
  if (!out_) throw InfraError("cannot write " + file.string());
}

void HlogSink::interval(const std::string& option, const std::string& stage, double option_start_s,
                        const exec::IntervalInfo& info, const std::vector<metrics::SlotSpec>& slots,
                        const std::vector<metrics::SlotData>& data) {
  const double start = option_start_s + static_cast<double>(info.start) / 1e9;
  const double length = static_cast<double>(info.end - info.start) / 1e9;
  for (std::size_t i = 0; i < slots.size() && i < data.size(); ++i) {
    if (slots[i].kind != metrics::MetricKind::kTrend || data[i].hist.count() == 0) continue;
    Tags tags = slots[i].tags;
    tags.emplace_back("option", option);
    tags.emplace_back("stage", stage);
    writer_.write_interval(hlog_tag(slots[i].metric, make_tags(std::move(tags))), start, length,
                           data[i].hist);
  }
  out_.flush();
}

void merge_hlogs(const std::vector<std::filesystem::path>& in, const std::filesystem::path& out) {
  struct Slot {
    double length_s = 0;
    metrics::Histogram hist;
  };
  std::map<std::pair<std::int64_t, std::string>, Slot> slots;  // (wall-clock second, tag)
  double start = 0;
  for (const auto& file : in) {
    std::ifstream f(file);
    if (!f) throw InputError(SourceLoc{file.string(), 0, 0}, "latency.hlog", "cannot read");
    metrics::Hlog log;
    try {
      log = metrics::read_hlog(f);
    } catch (const std::exception& e) {
      throw InputError(SourceLoc{file.string(), 0, 0}, "latency.hlog", e.what());
    }
    if (start == 0 || log.start_epoch_s < start) start = log.start_epoch_s;
    for (auto& iv : log.intervals) {
      const auto second = static_cast<std::int64_t>(std::floor(log.base_epoch_s + iv.start_s));
      auto [it, fresh] = slots.try_emplace({second, iv.tag}, Slot{iv.length_s, iv.hist});
      if (fresh) continue;
      it->second.hist.add(iv.hist);
      it->second.length_s = std::max(it->second.length_s, iv.length_s);
    }
  }
  std::ofstream f(out);
  if (!f) throw InfraError("cannot write " + out.string());
  start = std::floor(start);  // whole seconds, so every aligned interval starts at >= 0
  metrics::HlogWriter writer(f, start, LOADGATE_VERSION);
  for (const auto& [key, slot] : slots) {
    writer.write_interval(key.second, static_cast<double>(key.first) - start, slot.length_s,
                          slot.hist);
  }
}

}  // namespace lg::results
