// Elman RNN cell, forward and backward: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).
#include <cmath>

#include "layers/cells.h"

namespace rnngen::layers {

template <typename T>
void rnn_step_forward(int B, int H, bool relu, T* pre) {
  size_t n = static_cast<size_t>(B) * H;
  if (relu)
    for (size_t k = 0; k < n; ++k) pre[k] = pre[k] > T(0) ? pre[k] : T(0);
  else
    for (size_t k = 0; k < n; ++k) pre[k] = std::tanh(pre[k]);
}

template <typename T>
void rnn_step_backward(int B, int H, bool relu, const T* h, const T* dh, T* dpre) {
  size_t n = static_cast<size_t>(B) * H;
  if (relu)
    for (size_t k = 0; k < n; ++k) dpre[k] = h[k] > T(0) ? dh[k] : T(0);
  else
    for (size_t k = 0; k < n; ++k) dpre[k] = dh[k] * (T(1) - h[k] * h[k]);
}

template void rnn_step_forward<float>(int, int, bool, float*);
template void rnn_step_forward<double>(int, int, bool, double*);
template void rnn_step_backward<float>(int, int, bool, const float*, const float*, float*);
template void rnn_step_backward<double>(int, int, bool, const double*, const double*, double*);

}  // namespace rnngen::layers
