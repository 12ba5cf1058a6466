// Finding NaN and infinity in a float array: what loading checks in model weights and what
// training checks before it evaluates, samples or checkpoints.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rnngen::ops {

// Index of the first NaN or infinity in x[0..n), or n. All exponent bits set is exactly the
// non-finite floats; the OR over the bits vectorises, and the search runs only on a hit.
inline size_t first_non_finite(const float* x, size_t n) {
  uint32_t hit = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t b;
    std::memcpy(&b, x + i, sizeof b);
    hit |= static_cast<uint32_t>((b & 0x7f800000u) == 0x7f800000u);
  }
  if (!hit) return n;
  size_t i = 0;
  while (i < n && std::isfinite(x[i])) ++i;
  return i;
}

}  // namespace rnngen::ops
