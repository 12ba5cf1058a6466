// Linear (Dense): y[N,O] = x[N,I] W^T + b, W: [O, I] (PyTorch's layout), b: [O] or null.
// Backward adds dW += dy^T x and db += sum_rows dy, and writes dx = dy W when dx is not null.
#pragma once
#include "ops/gemm.h"
#include "ops/pointwise.h"

namespace rnngen::layers {

template <typename T>
void linear_forward(int n, int in, int out, const T* x, const T* w, const T* b, T* y) {
  ops::broadcast_rows(n, out, b, y);
  ops::gemm(false, true, n, out, in, T(1), x, in, w, in, T(1), y, out);
}

template <typename T>
void linear_backward(int n, int in, int out, const T* x, const T* w, const T* dy, T* dw, T* db,
                     T* dx) {
  ops::gemm(true, false, out, in, n, T(1), dy, out, x, in, T(1), dw, in);
  if (db) ops::add_column_sums(n, out, dy, db);
  if (dx) ops::gemm(false, false, n, in, out, T(1), dy, out, w, in, T(0), dx, in);
}

}  // namespace rnngen::layers
