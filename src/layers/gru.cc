// GRU cell, forward and backward, PyTorch's equations (reset applied after the matmul):
//   r = s(W_ir x + b_ir + W_hr h + b_hr)   z = s(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))   h' = (1 - z) * n + z * h
// *_ref: the scalar reference with std:: math (the double path, and the oracle in tests).
#include <cmath>
#include <type_traits>

#include "layers/cells.h"
#include "ops/activations.h"
#include "ops/parallel.h"
#include "ops/vmath.h"

namespace rnngen::layers {

template <typename T>
void gru_step_forward_ref(int B, int H, T* xg, const T* hg, const T* h_prev, T* hn, T* h) {
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
void gru_step_backward_ref(int B, int H, const T* act, const T* hn, const T* h_prev, const T* dh,
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

namespace {

inline void gru_forward_row(int H, float* __restrict xr, float* __restrict xz,
                            float* __restrict xn, const float* __restrict hr,
                            const float* __restrict hz, const float* __restrict hnn,
                            const float* __restrict hp, float* __restrict hnb,
                            float* __restrict hb) {
  for (int j = 0; j < H; ++j) {
    const float r = ops::sigmoid_f(xr[j] + hr[j]);
    const float z = ops::sigmoid_f(xz[j] + hz[j]);
    const float hnj = hnn[j];
    const float n = ops::tanh_f(xn[j] + r * hnj);
    xr[j] = r;
    xz[j] = z;
    xn[j] = n;
    hnb[j] = hnj;
    hb[j] = (1.0f - z) * n + z * hp[j];
  }
}

RNNGEN_SIMD_CLONES
void gru_forward_rows(int b0, int b1, int H, float* xg, const float* hg, const float* h_prev,
                      float* hn, float* h) {
  for (int b = b0; b < b1; ++b) {
    float* x = xg + static_cast<size_t>(b) * 3 * H;
    const float* hh = hg + static_cast<size_t>(b) * 3 * H;
    const size_t o0 = static_cast<size_t>(b) * H;
    gru_forward_row(H, x, x + H, x + 2 * H, hh, hh + H, hh + 2 * H, h_prev + o0, hn + o0, h + o0);
  }
}

inline void gru_backward_row(int H, const float* __restrict ar, const float* __restrict az,
                             const float* __restrict an, const float* __restrict hnb,
                             const float* __restrict hp, const float* __restrict dhb,
                             float* __restrict dxr, float* __restrict dxz, float* __restrict dxn,
                             float* __restrict dhr, float* __restrict dhz, float* __restrict dhn,
                             float* __restrict dpb) {
  for (int j = 0; j < H; ++j) {
    const float r = ar[j], z = az[j], n = an[j];
    const float d = dhb[j];
    const float dn = d * (1.0f - z) * (1.0f - n * n);
    const float dz = d * (hp[j] - n) * z * (1.0f - z);
    const float dr = dn * hnb[j] * r * (1.0f - r);
    dxr[j] = dr;
    dxz[j] = dz;
    dxn[j] = dn;
    dhr[j] = dr;
    dhz[j] = dz;
    dhn[j] = dn * r;
    dpb[j] = d * z;
  }
}

RNNGEN_SIMD_CLONES
void gru_backward_rows(int b0, int b1, int H, const float* act, const float* hn,
                       const float* h_prev, const float* dh, float* dxg, float* dhg,
                       float* dh_prev) {
  for (int b = b0; b < b1; ++b) {
    const float* a = act + static_cast<size_t>(b) * 3 * H;
    float* dx = dxg + static_cast<size_t>(b) * 3 * H;
    float* dhh = dhg + static_cast<size_t>(b) * 3 * H;
    const size_t o0 = static_cast<size_t>(b) * H;
    gru_backward_row(H, a, a + H, a + 2 * H, hn + o0, h_prev + o0, dh + o0, dx, dx + H,
                     dx + 2 * H, dhh, dhh + H, dhh + 2 * H, dh_prev + o0);
  }
}

}  // namespace

template <typename T>
void gru_step_forward(int B, int H, T* xg, const T* hg, const T* h_prev, T* hn, T* h) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) {
      ops::parallel_rows(B, static_cast<size_t>(3) * H,
                         [&](int b0, int b1) { gru_forward_rows(b0, b1, H, xg, hg, h_prev, hn, h); });
      return;
    }
  }
  gru_step_forward_ref(B, H, xg, hg, h_prev, hn, h);
}

template <typename T>
void gru_step_backward(int B, int H, const T* act, const T* hn, const T* h_prev, const T* dh,
                       T* dxg, T* dhg, T* dh_prev) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) {
      ops::parallel_rows(B, static_cast<size_t>(3) * H, [&](int b0, int b1) {
        gru_backward_rows(b0, b1, H, act, hn, h_prev, dh, dxg, dhg, dh_prev);
      });
      return;
    }
  }
  gru_step_backward_ref(B, H, act, hn, h_prev, dh, dxg, dhg, dh_prev);
}

#define RNNGEN_GRU_INST(T, SUFFIX)                                                          \
  template void gru_step_forward##SUFFIX<T>(int, int, T*, const T*, const T*, T*, T*);      \
  template void gru_step_backward##SUFFIX<T>(int, int, const T*, const T*, const T*,        \
                                             const T*, T*, T*, T*);
RNNGEN_GRU_INST(float, )
RNNGEN_GRU_INST(double, )
RNNGEN_GRU_INST(float, _ref)
RNNGEN_GRU_INST(double, _ref)
#undef RNNGEN_GRU_INST

}  // namespace rnngen::layers
