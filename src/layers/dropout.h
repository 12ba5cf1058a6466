// Inverted dropout: y = x * mask, mask in {0, 1/(1-p)}. The mask is drawn once per forward and
// kept for backward (dx = dy * mask), so a test can also fix it by drawing from a fixed seed.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/rng.h"

namespace rnngen::layers {

// Element k is dropped when the k-th draw's rng.uniform() < p (dropout_draw_mask_ref). The
// fast path keeps those decisions and that stream, but compares the draw's 53 bits with
// ceil(p 2^53) as integers, in chunks: the per-element branch on a coin flip mispredicted half
// the time (2.1% of a PTB-medium training step at 1 thread under perf).
template <typename T>
void dropout_draw_mask(size_t n, double p, Rng& rng, std::vector<T>& mask) {
  mask.resize(n);
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  // uniform() = (r >> 11) 2^-53 exactly, so uniform() < p  <=>  (r >> 11) < ceil(p 2^53).
  const uint64_t drop_below = static_cast<uint64_t>(std::ceil(std::ldexp(p, 53)));
  constexpr size_t kChunk = 512;
  uint64_t r[kChunk];
  for (size_t k0 = 0; k0 < n; k0 += kChunk) {
    const size_t m = std::min(kChunk, n - k0);
    for (size_t j = 0; j < m; ++j) r[j] = rng.next_u64();
    T* out = mask.data() + k0;
    for (size_t j = 0; j < m; ++j) out[j] = (r[j] >> 11) < drop_below ? T(0) : keep;
  }
}

template <typename T>
void dropout_draw_mask_ref(size_t n, double p, Rng& rng, std::vector<T>& mask) {
  mask.resize(n);
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  for (size_t k = 0; k < n; ++k) mask[k] = rng.uniform() < p ? T(0) : keep;
}

template <typename T>
void dropout_apply(size_t n, const T* mask, const T* x, T* y) {
  for (size_t k = 0; k < n; ++k) y[k] = x[k] * mask[k];
}

}  // namespace rnngen::layers
