#include "harness/compare/multiple_testing.hpp"

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <stdexcept>

namespace lg::compare {

std::vector<double> adjust_p_values(const std::vector<double>& p, PAdjust method) {
  for (double v : p) {
    if (!(v >= 0.0 && v <= 1.0)) throw std::invalid_argument("adjust_p_values: p not in [0, 1]");
  }
  const std::size_t m = p.size();
  // order[r] = index of the (r+1)-th smallest p. Stable, so equal p keep their input order;
  // the running max / min below then gives them equal adjusted values anyway.
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> out(m);
  const double md = static_cast<double>(m);
  switch (method) {
    case PAdjust::kHolm: {
      // Step-down: a hypothesis is only rejected after every smaller p was, hence the
      // running maximum from the smallest p upwards.
      double running = 0;
      for (std::size_t r = 0; r < m; ++r) {
        const double v = std::min(1.0, (md - static_cast<double>(r)) * p[order[r]]);
        running = std::max(running, v);
        out[order[r]] = running;
      }
      break;
    }
    case PAdjust::kBenjaminiHochberg: {
      // Step-up: the largest rank whose p passes rejects every smaller one too, hence the
      // running minimum from the largest p downwards.
      double running = 1;
      for (std::size_t r = m; r-- > 0;) {
        const double v = std::min(1.0, md / static_cast<double>(r + 1) * p[order[r]]);
        running = std::min(running, v);
        out[order[r]] = running;
      }
      break;
    }
  }
  return out;
}

const char* p_adjust_name(PAdjust method) {
  switch (method) {
    case PAdjust::kHolm:
      return "holm";
    case PAdjust::kBenjaminiHochberg:
      return "bh";
  }
  return "?";
}

}  // namespace lg::compare
