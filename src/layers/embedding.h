// Embedding lookup. W: [V, E]; ids: [N]; out: [N, E]. Backward scatters dout rows into dW.
#pragma once
#include <cstdint>
#include <cstring>

namespace rnngen::layers {

template <typename T>
void embedding_forward(int n, int dim, const int32_t* ids, const T* w, T* out) {
  for (int i = 0; i < n; ++i)
    std::memcpy(out + static_cast<size_t>(i) * dim, w + static_cast<size_t>(ids[i]) * dim,
                dim * sizeof(T));
}

template <typename T>
void embedding_backward(int n, int dim, const int32_t* ids, const T* dout, T* dw) {
  for (int i = 0; i < n; ++i) {
    T* row = dw + static_cast<size_t>(ids[i]) * dim;
    const T* d = dout + static_cast<size_t>(i) * dim;
    for (int j = 0; j < dim; ++j) row[j] += d[j];
  }
}

}  // namespace rnngen::layers
