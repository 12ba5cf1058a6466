// GRU cell, forward and backward, PyTorch's equations (reset applied after the matmul):
//   r = s(W_ir x + b_ir + W_hr h + b_hr)   z = s(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))   h' = (1 - z) * n + z * h
#include <cmath>

#include "layers/cells.h"
#include "ops/activations.h"

namespace rnngen::layers {

template <typename T>
void gru_step_forward(int B, int H, T* xg, const T* hg, const T* h_prev, T* hn, T* h) {
  for (int b = 0; b < B; ++b) {
    T* x = xg + static_cast<size_t>(b) * 3 * H;
    const T* hh = hg + static_cast<size_t>(b) * 3 * H;
    size_t o0 = static_cast<size_t>(b) * H;
    for (int j = 0; j < H; ++j) {
      T r = ops::sigmoid(x[j] + hh[j]);
      T z = ops::sigmoid(x[H + j] + hh[H + j]);
      T hnj = hh[2 * H + j];
      T n = std::tanh(x[2 * H + j] + r * hnj);
      x[j] = r;
      x[H + j] = z;
      x[2 * H + j] = n;
      hn[o0 + j] = hnj;
      h[o0 + j] = (T(1) - z) * n + z * h_prev[o0 + j];
    }
  }
}

template <typename T>
void gru_step_backward(int B, int H, const T* act, const T* hn, const T* h_prev, const T* dh,
                       T* dxg, T* dhg, T* dh_prev) {
  for (int b = 0; b < B; ++b) {
    const T* a = act + static_cast<size_t>(b) * 3 * H;
    T* dx = dxg + static_cast<size_t>(b) * 3 * H;
    T* dhh = dhg + static_cast<size_t>(b) * 3 * H;
    size_t o0 = static_cast<size_t>(b) * H;
    for (int j = 0; j < H; ++j) {
      T r = a[j], z = a[H + j], n = a[2 * H + j];
      T d = dh[o0 + j];
      T dn = d * (T(1) - z) * (T(1) - n * n);
      T dz = d * (h_prev[o0 + j] - n) * z * (T(1) - z);
      T dr = dn * hn[o0 + j] * r * (T(1) - r);
      dx[j] = dr;
      dx[H + j] = dz;
      dx[2 * H + j] = dn;
      dhh[j] = dr;
      dhh[H + j] = dz;
      dhh[2 * H + j] = dn * r;
      dh_prev[o0 + j] = d * z;
    }
  }
}

template void gru_step_forward<float>(int, int, float*, const float*, const float*, float*,
                                      float*);
template void gru_step_forward<double>(int, int, double*, const double*, const double*, double*,
                                       double*);
template void gru_step_backward<float>(int, int, const float*, const float*, const float*,
                                       const float*, float*, float*, float*);
template void gru_step_backward<double>(int, int, const double*, const double*, const double*,
                                        const double*, double*, double*, double*);

}  // namespace rnngen::layers
