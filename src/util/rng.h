// Deterministic random numbers: std::mt19937_64 (its sequence is fixed by the standard) with our
// own conversions, since the standard distributions differ between library implementations.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

namespace rnngen {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) : engine_(seed) {}
  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box-Muller (one value per call, so the stream is simple to resume).
  double normal() {
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Uniform integer in [0, n), without modulo bias.
  uint64_t below(uint64_t n) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = engine_(); while (r >= limit);
    return r % n;
  }
  std::string save() const {
    std::ostringstream os;
    os << engine_;
    return os.str();
  }
  void load(const std::string& s) {
    std::istringstream is(s);
    is >> engine_;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace rnngen
