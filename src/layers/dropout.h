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

// Counter-based masks (the language model's training). Element (t, b, k) of a time-major
// [T, B, W] mask is a pure function of (key, site, t, row0 + b, k): the same global batch row
// gets the same mask whichever process computes it and however the batch is split over
// processes (docs/distributed.md). key is a function of the seed and the step
// (dropout_step_key); site tells the masks of one forward apart (0: embedding, 1 + l: layer l).
struct DropoutKey {
  uint64_t key = 0;
  int64_t row0 = 0;  // the global batch row of local row 0
};

// splitmix64's finaliser: a bijection on 64 bits whose outputs pass BigCrush for counter inputs.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline uint64_t dropout_step_key(uint64_t seed, int64_t step) {
  return mix64(mix64(seed + 0x5851F42D4C957F2DULL) + static_cast<uint64_t>(step) * 0x9E3779B97F4A7C15ULL);
}

// One hash per (site, t, row); the W elements of that row then cost one mix64 each.
inline uint64_t dropout_row_base(uint64_t key, uint32_t site, int64_t t, int64_t row) {
  uint64_t z = mix64(key + (static_cast<uint64_t>(site) + 1) * 0xD1B54A32D192ED03ULL);
  z = mix64(z + (static_cast<uint64_t>(t) + 1) * 0x8CB92BA72F3D8DD7ULL);
  return mix64(z + (static_cast<uint64_t>(row) + 1) * 0xABC98388FB8FAC03ULL);
}

// The draw of element k of a row, as a uniform in [0, 1) with 53 bits (the reference's view).
inline double dropout_ctr_uniform(uint64_t base, int64_t k) {
  return static_cast<double>(mix64(base + static_cast<uint64_t>(k) * 0x9E3779B97F4A7C15ULL) >> 11) * 0x1.0p-53;
}

// mask: [T, B, W] time-major, element dropped when its draw < p. The inner loop is branch-free
// integer work over k, which GCC vectorises (AVX2); the reference below is the oracle.
template <typename T>
void dropout_mask_ctr(int Tn, int B, int W, double p, uint32_t site, const DropoutKey& dk, std::vector<T>& mask) {
  mask.resize(static_cast<size_t>(Tn) * B * W);
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  const uint64_t drop_below = static_cast<uint64_t>(std::ceil(std::ldexp(p, 53)));
  for (int t = 0; t < Tn; ++t)
    for (int b = 0; b < B; ++b) {
      const uint64_t base = dropout_row_base(dk.key, site, t, dk.row0 + b);
      T* out = mask.data() + (static_cast<size_t>(t) * B + b) * W;
      for (int k = 0; k < W; ++k) {
        const uint64_t r = mix64(base + static_cast<uint64_t>(k) * 0x9E3779B97F4A7C15ULL);
        out[k] = (r >> 11) < drop_below ? T(0) : keep;
      }
    }
}

template <typename T>
void dropout_mask_ctr_ref(int Tn, int B, int W, double p, uint32_t site, const DropoutKey& dk, std::vector<T>& mask) {
  mask.assign(static_cast<size_t>(Tn) * B * W, T(0));
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  for (int t = 0; t < Tn; ++t)
    for (int b = 0; b < B; ++b)
      for (int k = 0; k < W; ++k)
        mask[(static_cast<size_t>(t) * B + b) * W + k] =
            dropout_ctr_uniform(dropout_row_base(dk.key, site, t, dk.row0 + b), k) < p ? T(0) : keep;
}

template <typename T>
void dropout_apply(size_t n, const T* mask, const T* x, T* y) {
  for (size_t k = 0; k < n; ++k) y[k] = x[k] * mask[k];
}

}  // namespace rnngen::layers
