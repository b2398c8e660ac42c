#include "harness/report/interval_percentiles.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>

#include "harness/metrics/hlog.hpp"
#include "harness/results/hlog_tag.hpp"

namespace lg::report {
namespace {

// Intervals kept open at once. The writer emits each interval's lines together, so one is
// enough; a few more tolerate logs from other writers that interleave neighbours.
constexpr std::size_t kOpenIntervals = 8;

using Key = std::pair<std::string, std::int64_t>;  // option, start in ms

struct Open {
  double start_s = 0;
  double length_s = 0;
  metrics::Histogram hist;
};

double ms_at(const metrics::Histogram& h, double p) {
  return static_cast<double>(h.value_at_percentile(p)) / 1000.0;
}

class Merger {
 public:
  explicit Merger(const ReadSeries& reads) : reads_(reads) {}

  void add(metrics::HlogInterval&& iv) {
    const auto series = results::parse_hlog_tag(iv.tag);
    if (!series || series->metric != reads_.metric) return;
    if (!reads_.kind.empty() && tag_value(series->tags, "kind") != reads_.kind) return;
    const std::string& option = tag_value(series->tags, "option");
    if (option.empty()) return;
    Key key{option, std::llround(iv.start_s * 1000.0)};
    auto it = open_.find(key);
    if (it == open_.end()) {
      it = open_.emplace(key, Open{iv.start_s, iv.length_s, std::move(iv.hist)}).first;
      order_.push_back(std::move(key));
      if (order_.size() > kOpenIntervals) close_oldest();
      return;
    }
    it->second.hist.add(iv.hist);
    it->second.length_s = std::max(it->second.length_s, iv.length_s);
  }

  ReadPercentiles finish() && {
    while (!order_.empty()) close_oldest();
    for (auto& [option, list] : out_) drop_ambiguous(list);
    return std::move(out_);
  }

 private:
  void close_oldest() {
    const auto it = open_.find(order_.front());
    const Open& o = it->second;
    out_[it->first.first].push_back({o.start_s, o.length_s, o.hist.count(), ms_at(o.hist, 50),
                                     ms_at(o.hist, 95), ms_at(o.hist, 99)});
    open_.erase(it);
    order_.pop_front();
  }

  // An interval closed twice (its lines far apart) has two partial entries: neither is exact.
  static void drop_ambiguous(std::vector<IntervalPercentiles>& list) {
    auto ms = [](const IntervalPercentiles& p) { return std::llround(p.start_s * 1000.0); };
    std::stable_sort(list.begin(), list.end(),
                     [&](const auto& a, const auto& b) { return ms(a) < ms(b); });
    std::vector<IntervalPercentiles> kept;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const bool dup = (i > 0 && ms(list[i - 1]) == ms(list[i])) ||
                       (i + 1 < list.size() && ms(list[i + 1]) == ms(list[i]));
      if (!dup) kept.push_back(list[i]);
    }
    list = std::move(kept);
  }

  const ReadSeries& reads_;
  std::map<Key, Open> open_;
  std::deque<Key> order_;
  ReadPercentiles out_;
};

}  // namespace

ReadPercentiles read_interval_percentiles(std::istream& hlog, const ReadSeries& reads) {
  Merger merger(reads);
  metrics::read_hlog_each(hlog, [&](metrics::HlogInterval&& iv) { merger.add(std::move(iv)); });
  return std::move(merger).finish();
}

}  // namespace lg::report
