// Small pointwise and reduction helpers shared by layers.
#pragma once
#include <cstddef>

namespace rnngen::ops {

// out[j] += sum_i a[i, j] over a [rows, cols] row-major matrix.
template <typename T>
void add_column_sums(int rows, int cols, const T* a, T* out) {
  for (int i = 0; i < rows; ++i) {
    const T* r = a + static_cast<size_t>(i) * cols;
    for (int j = 0; j < cols; ++j) out[j] += r[j];
  }
}

// Every row of a [rows, cols] matrix set to bias (or to zero when bias is null).
template <typename T>
void broadcast_rows(int rows, int cols, const T* bias, T* a) {
  for (int i = 0; i < rows; ++i) {
    T* r = a + static_cast<size_t>(i) * cols;
    for (int j = 0; j < cols; ++j) r[j] = bias ? bias[j] : T(0);
  }
}

template <typename T>
void add_inplace(size_t n, const T* x, T* y) {
  for (size_t k = 0; k < n; ++k) y[k] += x[k];
}

}  // namespace rnngen::ops
