#pragma once
// Seeded, splittable PRNG with results identical on every platform: std::*_distribution is
// implementation-defined, so every distribution we need is written here on top of raw bits.

#include <cmath>
#include <cstdint>
#include <string_view>

namespace lg {

/// SplitMix64 step (Steele, Lea, Flood 2014); used to seed and to derive streams.
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// FNV-1a of a purpose name, so streams are keyed by words rather than magic numbers.
constexpr std::uint64_t hash_name(std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

/// xoshiro256** (Blackman, Vigna). One stream per purpose and index (pgbench-style split):
/// Rng::stream(seed, "datagen", product_id), Rng::stream(seed, "params", vu).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }
  /// Independent stream derived from (seed, purpose, index).
  static Rng stream(std::uint64_t seed, std::string_view purpose,
                    std::uint64_t index = 0) noexcept {
    std::uint64_t mix = seed ^ hash_name(purpose);
    std::uint64_t a = splitmix64(mix);
    std::uint64_t b = index * 0xd1342543de82ef95ULL + 1;
    return Rng(a ^ splitmix64(b));
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform01() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [lo, hi] (inclusive); Lemire's multiply-shift, bias < 2^-64·range.
  std::int64_t uniform(std::int64_t lo, std::int64_t hi) noexcept {
    const auto range = static_cast<std::uint64_t>(hi - lo) + 1;
    if (range == 0) return static_cast<std::int64_t>(next());
    const auto product = static_cast<unsigned __int128>(next()) * range;
    return lo + static_cast<std::int64_t>(static_cast<std::uint64_t>(product >> 64));
  }
  /// Standard normal via Box-Muller (one value per call; deterministic, not the fastest).
  double normal() noexcept {
    const double u1 = 1.0 - uniform01();  // (0, 1]
    const double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  /// Exponential with the given mean (> 0).
  double exponential(double mean) noexcept { return -mean * std::log(1.0 - uniform01()); }
  /// True with probability p.
  bool bernoulli(double p) noexcept { return uniform01() < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4] = {};
};

}  // namespace lg
