// A deterministic random source whose output is the same on every platform and standard
// library: xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64, uniform doubles
// from the top 53 bits, normals by the Marsaglia polar method. std:: distributions are
// implementation-defined, so the exercise runtime's "same seed, same bytes" promise
// cannot rest on them.
#pragma once

#include <cmath>
#include <cstdint>

namespace trilink {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  // An independent stream for a named sub-part (a radar, a launch): same seed and key,
  // same stream, whatever other streams exist.
  static Rng stream(std::uint64_t seed, std::uint64_t key) {
    std::uint64_t mixed = seed ^ (0x9E3779B97F4A7C15ULL * (key + 1));
    return Rng(splitmix64(mixed));
  }

  std::uint64_t next() {
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

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Standard normal.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  double normal(double mean, double sigma) { return mean + sigma * normal(); }

  bool bernoulli(double p) { return uniform() < p; }

  // Poisson by inversion (Knuth) for small means, normal approximation above 30.
  std::uint32_t poisson(double mean) {
    if (mean <= 0.0) return 0;
    if (mean > 30.0) {
      const double x = std::round(normal(mean, std::sqrt(mean)));
      return x < 0.0 ? 0u : static_cast<std::uint32_t>(x);
    }
    const double limit = std::exp(-mean);
    double product = uniform();
    std::uint32_t k = 0;
    while (product > limit) {
      ++k;
      product *= uniform();
    }
    return k;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace trilink
