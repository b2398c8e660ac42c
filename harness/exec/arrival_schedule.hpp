#pragma once
// Pure arrival schedule for the open-model executors (k6 constant-arrival-rate and
// ramping-arrival-rate): intended iteration start offsets, with no clocks, threads or sockets.
// The executor sleeps until each offset and hands it to a free VU.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/core/rng.hpp"

namespace lg::exec {

/// kEven: k6's fractional even spacing. kPoisson: pgbench -R's exponential gaps.
enum class ArrivalPattern { kEven, kPoisson };

/// One ramp: the rate moves linearly to `target` (iterations per time_unit) over `duration` ns.
struct RateStage {
  Nanos duration;
  double target;
};

/// Generator of intended start offsets (ns since the schedule's start).
///
/// N(t) is the integral of the rate over [0, t] (iterations). kEven fires one iteration per unit
/// of N, each computed from its index by inverting N in closed form per stage (no drift):
///  - start_rate > 0: iteration k (0-based) at inf{t : N(t) >= k}, so the first fires at t = 0
///    and a constant rate R gives 0, 1/R, 2/R, ... as k6's constant-arrival-rate does
///    (lib/executor/constant_arrival_rate.go: tick `period * gi`, gi from 0). Half-open window:
///    an iteration due exactly at the end is not started; count = ceil(N(end)).
///  - start_rate == 0: iteration k (1-based) at inf{t : N(t) >= k}, as k6's ramping-arrival-rate
///    does ("the algorithm works with area so we need to start from 1 not 0",
///    lib/executor/ramping_arrival_rate.go `cal`; its test expects sqrt(10) s for the first of
///    a 0 -> 1/s ramp over 5 s). Nothing fires at t = 0 where the rate is 0. Closed window:
///    an iteration due exactly at the end is started; count = floor(N(end)).
///    (k6's ramping executor also uses the 1-based rule when startRate > 0; we use the
///    constant-arrival-rate rule there so that a constant executor equals one flat stage.)
/// kPoisson: time rescaling of a unit-rate Poisson process, arrival k at inf{t : N(t) >= S_k},
/// S_k a sum of k unit exponentials from Rng::stream(seed, "arrivals"); E[count in [0,t]] = N(t).
class ArrivalSchedule {
 public:
  /// start_rate and stage targets are iterations per `time_unit` (ns, > 0), finite and >= 0;
  /// stage durations >= 0 (0 is an instant rate jump). The rate ramps linearly within each stage
  /// from the previous stage's target. Throws std::invalid_argument on a violated precondition
  /// (the scenario loader reports user errors; reaching this is a programming error).
  ArrivalSchedule(double start_rate, Nanos time_unit, std::vector<RateStage> stages,
                  ArrivalPattern pattern, std::uint64_t seed);

  /// Intended start of the next iteration, ns since the schedule's start; nullopt once past the
  /// end of the last stage (and forever after). Strictly non-decreasing.
  std::optional<Nanos> next();
  /// Index of the stage containing offset t (the last stage for t at or past the end; 0 for
  /// t < 0). Zero-duration stages contain no offset.
  std::size_t stage_at(Nanos t) const noexcept;
  /// Expected number of arrivals in [0, t]: the integral of the rate, N(t).
  double expected_arrivals(Nanos t) const noexcept;
  /// Rate at offset t in iterations per time_unit (for progress displays and plans).
  double rate_at(Nanos t) const noexcept;
  /// Sum of the stage durations, ns.
  Nanos total_duration() const noexcept;

 private:
  struct Segment {
    Nanos start;
    Nanos duration;
    double from;        // rate at start, iterations per time_unit
    double to;          // rate at end
    double cum_before;  // N(start)
    double area;        // N(end) - N(start)
  };

  std::optional<Nanos> accept(double theta, bool closed_end);
  Nanos invert(double theta);
  double segment_count(const Segment& s, Nanos dt) const noexcept;

  std::vector<Segment> segments_;
  Nanos time_unit_;
  ArrivalPattern pattern_;
  Rng rng_;
  double total_area_ = 0;
  std::uint64_t issued_ = 0;  // kEven: iterations returned so far
  double cumulative_ = 0;     // kPoisson: S_k
  std::size_t cursor_ = 0;    // segment of the last arrival; only moves forward
  Nanos last_ = 0;
  bool zero_start_ = false;
  bool done_ = false;
};

}  // namespace lg::exec
