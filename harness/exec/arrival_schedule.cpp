#include "harness/exec/arrival_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lg::exec {
namespace {

bool valid_rate(double r) noexcept { return std::isfinite(r) && r >= 0; }

void validate(double start_rate, Nanos time_unit, const std::vector<RateStage>& stages) {
  if (time_unit <= 0) throw std::invalid_argument("ArrivalSchedule: time_unit must be > 0");
  if (!valid_rate(start_rate))
    throw std::invalid_argument("ArrivalSchedule: start_rate must be finite and >= 0");
  if (stages.empty()) throw std::invalid_argument("ArrivalSchedule: no stages");
  for (const auto& s : stages) {
    if (s.duration < 0) throw std::invalid_argument("ArrivalSchedule: negative stage duration");
    if (!valid_rate(s.target))
      throw std::invalid_argument("ArrivalSchedule: stage target must be finite and >= 0");
  }
}

}  // namespace

ArrivalSchedule::ArrivalSchedule(double start_rate, Nanos time_unit, std::vector<RateStage> stages,
                                 ArrivalPattern pattern, std::uint64_t seed)
    : time_unit_(time_unit),
      pattern_(pattern),
      rng_(Rng::stream(seed, "arrivals")),
      zero_start_(start_rate == 0) {
  validate(start_rate, time_unit, stages);
  Nanos start = 0;
  double from = start_rate;
  for (const auto& st : stages) {
    Segment seg{start, st.duration, from, st.target, total_area_, 0};
    seg.area = segment_count(seg, st.duration);
    total_area_ += seg.area;
    segments_.push_back(seg);
    start += st.duration;
    from = st.target;
  }
}

double ArrivalSchedule::segment_count(const Segment& s, Nanos dt) const noexcept {
  if (s.duration == 0 || dt <= 0) return 0;
  const double t = static_cast<double>(std::min(dt, s.duration));
  const double slope_term = (s.to - s.from) * t / (2.0 * static_cast<double>(s.duration));
  return t * (s.from + slope_term) / static_cast<double>(time_unit_);
}

Nanos ArrivalSchedule::invert(double theta) {
  // Zero-area segments never hold an arrival: the infimum of {t : N(t) >= theta} lies in the
  // first segment with positive area whose cumulative end reaches theta.
  while (cursor_ + 1 < segments_.size() &&
         (segments_[cursor_].area <= 0 ||
          segments_[cursor_].cum_before + segments_[cursor_].area < theta)) {
    ++cursor_;
  }
  const Segment& s = segments_[cursor_];
  const double c = std::clamp(theta - s.cum_before, 0.0, s.area);
  if (c <= 0 || s.duration == 0) return s.start;
  // Solve from*t + (to-from)*t^2/(2D) = c*tu for t >= 0. The form 2q / (b + sqrt(b^2 + 4aq))
  // avoids the cancellation of (-b + sqrt(...)) / 2a when the ramp is shallow, is exact for a
  // flat stage (a = 0), and reduces to sqrt(2 c tu D / to) for a ramp up from 0.
  const double q = c * static_cast<double>(time_unit_);
  const double disc = s.from * s.from + 2.0 * (s.to - s.from) * q / static_cast<double>(s.duration);
  const double t = 2.0 * q / (s.from + std::sqrt(std::max(0.0, disc)));
  const double capped = std::min(t, static_cast<double>(s.duration));
  return s.start + static_cast<Nanos>(std::llround(capped));
}

std::optional<Nanos> ArrivalSchedule::accept(double theta, bool closed_end) {
  // Stage areas are sums of doubles: an integral total may come out a few ulps off, so the
  // count limit has a relative tolerance and the half-open end is enforced in whole ns.
  const double tol = 1e-9 * std::max(1.0, total_area_);
  const bool beyond = closed_end ? theta > total_area_ + tol : theta >= total_area_ + tol;
  if (beyond) {
    done_ = true;
    return std::nullopt;
  }
  const Nanos t = invert(theta);
  if (!closed_end && t >= total_duration()) {
    done_ = true;
    return std::nullopt;
  }
  last_ = std::max(last_, t);
  return last_;
}

std::optional<Nanos> ArrivalSchedule::next() {
  if (done_) return std::nullopt;
  if (pattern_ == ArrivalPattern::kPoisson) {
    cumulative_ += rng_.exponential(1.0);
    if (cumulative_ >= total_area_) {
      done_ = true;
      return std::nullopt;
    }
    return accept(cumulative_, true);
  }
  const double theta = static_cast<double>(issued_ + (zero_start_ ? 1 : 0));
  auto t = accept(theta, zero_start_);
  if (t) ++issued_;
  return t;
}

std::size_t ArrivalSchedule::stage_at(Nanos t) const noexcept {
  const auto it =
      std::upper_bound(segments_.begin(), segments_.end(), t,
                       [](Nanos v, const Segment& s) { return v < s.start + s.duration; });
  if (it == segments_.end()) return segments_.size() - 1;
  return static_cast<std::size_t>(it - segments_.begin());
}

double ArrivalSchedule::expected_arrivals(Nanos t) const noexcept {
  if (t <= 0) return 0;
  if (t >= total_duration()) return total_area_;
  const Segment& s = segments_[stage_at(t)];
  return s.cum_before + segment_count(s, t - s.start);
}

double ArrivalSchedule::rate_at(Nanos t) const noexcept {
  if (t >= total_duration()) return segments_.back().to;
  const Segment& s = segments_[stage_at(std::max<Nanos>(t, 0))];
  const double frac =
      static_cast<double>(std::max<Nanos>(t - s.start, 0)) / static_cast<double>(s.duration);
  return s.from + (s.to - s.from) * frac;
}

Nanos ArrivalSchedule::total_duration() const noexcept {
  return segments_.back().start + segments_.back().duration;
}

}  // namespace lg::exec
