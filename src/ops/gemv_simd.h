// The panel loads and stores the GEMV kernels share (ops/gemv.cc, ops/gemv_batch.cc): one
// definition, so that the batched kernel's sums are bitwise the batch-1 kernel's.
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "ops/cpu.h"
#include "ops/gemv.h"

namespace rnngen::ops::simd {

inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t* p) {
  const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

RNNGEN_TARGET_AVX512 inline __m512 load16(const float* p) { return _mm512_loadu_ps(p); }
RNNGEN_TARGET_AVX512 inline __m512 load16(const uint16_t* p) {
  const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

// Rows of panel p that exist (the last panel may be short).
inline int panel_rows(int rows, int p) { return std::min(kPanelRows, rows - p * kPanelRows); }

// y[16p + i] += a lane i, for the panel's rows that exist (padding lanes are not written).
RNNGEN_TARGET_AVX512 inline void add_panel(__m512 a, int rows, int p, float* y) {
  const __mmask16 m = static_cast<__mmask16>((1u << panel_rows(rows, p)) - 1);
  float* yp = y + p * kPanelRows;
  _mm512_mask_storeu_ps(yp, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, yp), a));
}
inline void add_panel(__m256 lo, __m256 hi, int rows, int p, float* y) {
  const int n = panel_rows(rows, p);
  float* yp = y + p * kPanelRows;
  if (n == kPanelRows) {
    _mm256_storeu_ps(yp, _mm256_add_ps(_mm256_loadu_ps(yp), lo));
    _mm256_storeu_ps(yp + 8, _mm256_add_ps(_mm256_loadu_ps(yp + 8), hi));
    return;
  }
  alignas(32) float a[kPanelRows];
  _mm256_store_ps(a, lo);
  _mm256_store_ps(a + 8, hi);
  for (int i = 0; i < n; ++i) yp[i] += a[i];
}

}  // namespace rnngen::ops::simd
