// Elman RNN cell, forward and backward: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).
// *_ref: the scalar reference with std:: math (the double path, and the oracle in tests).
#include <cmath>
#include <type_traits>

#include "layers/cells.h"
#include "ops/parallel.h"
#include "ops/vmath.h"

namespace rnngen::layers {

template <typename T>
void rnn_step_forward_ref(int B, int H, bool relu, T* pre) {
  size_t n = static_cast<size_t>(B) * H;
  if (relu)
    for (size_t k = 0; k < n; ++k) pre[k] = pre[k] > T(0) ? pre[k] : T(0);
  else
    for (size_t k = 0; k < n; ++k) pre[k] = std::tanh(pre[k]);
}

template <typename T>
void rnn_step_backward_ref(int B, int H, bool relu, const T* h, const T* dh, T* dpre) {
  size_t n = static_cast<size_t>(B) * H;
  if (relu)
    for (size_t k = 0; k < n; ++k) dpre[k] = h[k] > T(0) ? dh[k] : T(0);
  else
    for (size_t k = 0; k < n; ++k) dpre[k] = dh[k] * (T(1) - h[k] * h[k]);
}

namespace {

RNNGEN_SIMD_CLONES
void rnn_forward_span(size_t k0, size_t k1, bool relu, float* __restrict pre) {
  if (relu)
    for (size_t k = k0; k < k1; ++k) pre[k] = pre[k] > 0.0f ? pre[k] : 0.0f;
  else
    for (size_t k = k0; k < k1; ++k) pre[k] = ops::tanh_f(pre[k]);
}

RNNGEN_SIMD_CLONES
void rnn_backward_span(size_t k0, size_t k1, bool relu, const float* __restrict h,
                       const float* __restrict dh, float* __restrict dpre) {
  if (relu)
    for (size_t k = k0; k < k1; ++k) dpre[k] = h[k] > 0.0f ? dh[k] : 0.0f;
  else
    for (size_t k = k0; k < k1; ++k) dpre[k] = dh[k] * (1.0f - h[k] * h[k]);
}

}  // namespace

template <typename T>
void rnn_step_forward(int B, int H, bool relu, T* pre) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) {
      const size_t h = static_cast<size_t>(H);
      ops::parallel_rows(B, h, [&](int b0, int b1) { rnn_forward_span(b0 * h, b1 * h, relu, pre); });
      return;
    }
  }
  rnn_step_forward_ref(B, H, relu, pre);
}

template <typename T>
void rnn_step_backward(int B, int H, bool relu, const T* h, const T* dh, T* dpre) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) {
      const size_t n = static_cast<size_t>(H);
      ops::parallel_rows(B, n, [&](int b0, int b1) {
        rnn_backward_span(b0 * n, b1 * n, relu, h, dh, dpre);
      });
      return;
    }
  }
  rnn_step_backward_ref(B, H, relu, h, dh, dpre);
}

#define RNNGEN_RNN_INST(T, SUFFIX)                                                         \
  template void rnn_step_forward##SUFFIX<T>(int, int, bool, T*);                           \
  template void rnn_step_backward##SUFFIX<T>(int, int, bool, const T*, const T*, T*);
RNNGEN_RNN_INST(float, )
RNNGEN_RNN_INST(double, )
RNNGEN_RNN_INST(float, _ref)
RNNGEN_RNN_INST(double, _ref)
#undef RNNGEN_RNN_INST

}  // namespace rnngen::layers
