// LSTM cell, forward and backward (PyTorch's equations):
//   i = s(W_ii x + b_ii + W_hi h + b_hi)   f = s(...)   g = tanh(...)   o = s(...)
//   c' = f * c + i * g                     h' = o * tanh(c')
#include <cmath>

#include "layers/cells.h"
#include "ops/activations.h"

namespace rnngen::layers {

template <typename T>
void lstm_step_forward(int B, int H, T* pre, const T* c_prev, T* c, T* h) {
  for (int b = 0; b < B; ++b) {
    T* p = pre + static_cast<size_t>(b) * 4 * H;
    const T* cp = c_prev + static_cast<size_t>(b) * H;
    T* cb = c + static_cast<size_t>(b) * H;
    T* hb = h + static_cast<size_t>(b) * H;
    for (int j = 0; j < H; ++j) {
      T i = ops::sigmoid(p[j]);
      T f = ops::sigmoid(p[H + j]);
      T g = std::tanh(p[2 * H + j]);
      T o = ops::sigmoid(p[3 * H + j]);
      p[j] = i;
      p[H + j] = f;
      p[2 * H + j] = g;
      p[3 * H + j] = o;
      T cn = f * cp[j] + i * g;
      cb[j] = cn;
      hb[j] = o * std::tanh(cn);
    }
  }
}

template <typename T>
void lstm_step_backward(int B, int H, const T* act, const T* c_prev, const T* c, const T* dh,
                        T* dc, T* dgates) {
  for (int b = 0; b < B; ++b) {
    const T* a = act + static_cast<size_t>(b) * 4 * H;
    T* dg = dgates + static_cast<size_t>(b) * 4 * H;
    size_t o0 = static_cast<size_t>(b) * H;
    for (int j = 0; j < H; ++j) {
      T i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
      T tc = std::tanh(c[o0 + j]);
      T dhj = dh[o0 + j];
      T dcj = dc[o0 + j] + dhj * o * (T(1) - tc * tc);
      dg[j] = dcj * g * i * (T(1) - i);
      dg[H + j] = dcj * c_prev[o0 + j] * f * (T(1) - f);
      dg[2 * H + j] = dcj * i * (T(1) - g * g);
      dg[3 * H + j] = dhj * tc * o * (T(1) - o);
      dc[o0 + j] = dcj * f;
    }
  }
}

template void lstm_step_forward<float>(int, int, float*, const float*, float*, float*);
template void lstm_step_forward<double>(int, int, double*, const double*, double*, double*);
template void lstm_step_backward<float>(int, int, const float*, const float*, const float*,
                                        const float*, float*, float*);
template void lstm_step_backward<double>(int, int, const double*, const double*, const double*,
                                         const double*, double*, double*);

}  // namespace rnngen::layers
