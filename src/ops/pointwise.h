// Small pointwise and reduction helpers shared by layers. The float and double versions are
// the same code; the row/column splits over OpenMP threads never change which values are
// added in which order, so results do not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

#include "ops/parallel.h"

namespace rnngen::ops {

// Calls f(j0, j1) over column ranges of [0, cols), split among threads (blocks of 16) when
// rows * cols is large enough.
template <typename F>
void parallel_cols(int rows, int cols, F&& f) {
  const int blocks = (cols + 15) / 16;
  parallel_rows(blocks, static_cast<size_t>(rows) * 16, [&](int k0, int k1) {
    const int j1 = k1 * 16 < cols ? k1 * 16 : cols;
    f(k0 * 16, j1);
  });
}

// out[j] += sum_i a[i, j] over a [rows, cols] row-major matrix (rows added in order).
template <typename T>
void add_column_sums(int rows, int cols, const T* a, T* out) {
  parallel_cols(rows, cols, [&](int j0, int j1) {
    for (int i = 0; i < rows; ++i) {
      const T* r = a + static_cast<size_t>(i) * cols;
      for (int j = j0; j < j1; ++j) out[j] += r[j];
    }
  });
}

// Every row of a [rows, cols] matrix set to bias (or to zero when bias is null).
template <typename T>
void broadcast_rows(int rows, int cols, const T* bias, T* a) {
  parallel_rows(rows, static_cast<size_t>(cols), [&](int i0, int i1) {
    for (int i = i0; i < i1; ++i) {
      T* r = a + static_cast<size_t>(i) * cols;
      for (int j = 0; j < cols; ++j) r[j] = bias ? bias[j] : T(0);
    }
  });
}

// out[i, :] = table[ids[i], :] + bias (bias may be null); table: [V, cols].
template <typename T>
void gather_rows(int rows, int cols, const int32_t* ids, const T* table, const T* bias, T* out) {
  parallel_rows(rows, static_cast<size_t>(cols), [&](int i0, int i1) {
    for (int i = i0; i < i1; ++i) {
      const T* src = table + static_cast<size_t>(ids[i]) * cols;
      T* r = out + static_cast<size_t>(i) * cols;
      if (bias)
        for (int j = 0; j < cols; ++j) r[j] = src[j] + bias[j];
      else
        for (int j = 0; j < cols; ++j) r[j] = src[j];
    }
  });
}

// dst[ids[i], :] += src[i, :] for i in order; dst: [V, cols].
template <typename T>
void scatter_add_rows(int rows, int cols, const int32_t* ids, const T* src, T* dst) {
  parallel_cols(rows, cols, [&](int j0, int j1) {
    for (int i = 0; i < rows; ++i) {
      const T* s = src + static_cast<size_t>(i) * cols;
      T* d = dst + static_cast<size_t>(ids[i]) * cols;
      for (int j = j0; j < j1; ++j) d[j] += s[j];
    }
  });
}

// dst[c, r] = src[r, c] for a [rows, cols] row-major src (dst: [cols, rows]); 32x32 tiles.
template <typename T>
void transpose(int rows, int cols, const T* src, T* dst) {
  constexpr int kTile = 32;
  const int tiles = (rows + kTile - 1) / kTile;
  parallel_rows(tiles, static_cast<size_t>(kTile) * cols, [&](int t0, int t1) {
    for (int r0 = t0 * kTile; r0 < t1 * kTile && r0 < rows; r0 += kTile)
      for (int c0 = 0; c0 < cols; c0 += kTile)
        for (int r = r0; r < r0 + kTile && r < rows; ++r)
          for (int c = c0; c < c0 + kTile && c < cols; ++c)
            dst[static_cast<size_t>(c) * rows + r] = src[static_cast<size_t>(r) * cols + c];
  });
}

template <typename T>
void add_inplace(size_t n, const T* x, T* y) {
  for (size_t k = 0; k < n; ++k) y[k] += x[k];
}

}  // namespace rnngen::ops
