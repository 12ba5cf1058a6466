// Scalar activations shared by the cell kernels and their references.
#pragma once
#include <cmath>

namespace rnngen::ops {

template <typename T>
inline T sigmoid(T x) {
  // Split by sign so exp never overflows.
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  T e = std::exp(x);
  return e / (T(1) + e);
}

}  // namespace rnngen::ops
