// Inverted dropout: y = x * mask, mask in {0, 1/(1-p)}. The mask is drawn once per forward and
// kept for backward (dx = dy * mask), so a test can also fix it by drawing from a fixed seed.
#pragma once
#include <cstddef>
#include <vector>

#include "util/rng.h"

namespace rnngen::layers {

template <typename T>
void dropout_draw_mask(size_t n, double p, Rng& rng, std::vector<T>& mask) {
  mask.resize(n);
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  for (size_t k = 0; k < n; ++k) mask[k] = rng.uniform() < p ? T(0) : keep;
}

template <typename T>
void dropout_apply(size_t n, const T* mask, const T* x, T* y) {
  for (size_t k = 0; k < n; ++k) y[k] = x[k] * mask[k];
}

}  // namespace rnngen::layers
