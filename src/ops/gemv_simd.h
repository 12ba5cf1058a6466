// The tiles, panel loads and stores the GEMV kernels share (ops/gemv.cc at batch 1,
// ops/gemv_batch.cc): one definition, so that the batched kernel's sums are bitwise the batch-1
// kernel's.
#pragma once
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "ops/cpu.h"
#include "ops/gemv.h"

// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which
// -W(maybe-)uninitialized reports at every inlined use (GCC bug 105593, fixed in GCC 13).
// For the two kernel files that include this one.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

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

// y_j[rows of panels p..p+P) += W x_j for S vectors, AVX-512: P x S accumulators, per column
// the P panels' weights loaded once and each vector's x[k] broadcast against them (vector j's
// x at x + j * ldx, its y at y + j * ldy). Every output is one FMA chain over the columns in
// order, whatever P and S: batch 1 runs S = 1.
template <int P, int S, typename W>
RNNGEN_TARGET_AVX512 inline void tile_avx512(const GemvPanels<W>& m, int p, const float* x, size_t ldx, float* y,
                                             size_t ldy) {
  const W* w[P];
  for (int i = 0; i < P; ++i) w[i] = m.panel(p + i);
  __m512 a[P][S];
  for (int i = 0; i < P; ++i)
    for (int j = 0; j < S; ++j) a[i][j] = _mm512_setzero_ps();
  for (int k = 0; k < m.cols; ++k) {
    __m512 wv[P];
    for (int i = 0; i < P; ++i) wv[i] = load16(w[i] + k * kPanelRows);
    for (int j = 0; j < S; ++j) {
      const __m512 xb = _mm512_set1_ps(x[j * ldx + k]);
      for (int i = 0; i < P; ++i) a[i][j] = _mm512_fmadd_ps(wv[i], xb, a[i][j]);
    }
  }
  for (int i = 0; i < P; ++i)
    for (int j = 0; j < S; ++j) add_panel(a[i][j], m.rows, p + i, y + j * ldy);
}

// The same in AVX2: each panel in two 8-lane halves, 2 x P x S accumulators of the 16 registers.
template <int P, int S, typename W>
inline void tile_avx2(const GemvPanels<W>& m, int p, const float* x, size_t ldx, float* y, size_t ldy) {
  const W* w[P];
  for (int i = 0; i < P; ++i) w[i] = m.panel(p + i);
  __m256 lo[P][S], hi[P][S];
  for (int i = 0; i < P; ++i)
    for (int j = 0; j < S; ++j) lo[i][j] = hi[i][j] = _mm256_setzero_ps();
  for (int k = 0; k < m.cols; ++k) {
    __m256 w0[P], w1[P];
    for (int i = 0; i < P; ++i) {
      w0[i] = load8(w[i] + k * kPanelRows);
      w1[i] = load8(w[i] + k * kPanelRows + 8);
    }
    for (int j = 0; j < S; ++j) {
      const __m256 xb = _mm256_set1_ps(x[j * ldx + k]);
      for (int i = 0; i < P; ++i) {
        lo[i][j] = _mm256_fmadd_ps(w0[i], xb, lo[i][j]);
        hi[i][j] = _mm256_fmadd_ps(w1[i], xb, hi[i][j]);
      }
    }
  }
  for (int i = 0; i < P; ++i)
    for (int j = 0; j < S; ++j) add_panel(lo[i][j], hi[i][j], m.rows, p + i, y + j * ldy);
}

}  // namespace rnngen::ops::simd
