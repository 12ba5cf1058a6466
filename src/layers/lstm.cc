// LSTM cell, forward and backward (PyTorch's equations):
//   i = s(W_ii x + b_ii + W_hi h + b_hi)   f = s(...)   g = tanh(...)   o = s(...)
//   c' = f * c + i * g                     h' = o * tanh(c')
// *_ref: the scalar reference with std:: math (the double path, and the oracle in tests).
// The float path runs the same equations with the vectorisable ops/vmath.h functions, rows
// split over OpenMP threads when the step is large enough.
#include <cmath>
#include <type_traits>

#include "layers/cells.h"
#include "ops/activations.h"
#include "ops/parallel.h"
#include "ops/vmath.h"

namespace rnngen::layers {

template <typename T>
void lstm_step_forward_ref(int B, int H, T* pre, const T* c_prev, T* c, T* h) {
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
void lstm_step_backward_ref(int B, int H, const T* act, const T* c_prev, const T* c, const T* dh,
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

namespace {

// One batch row; restrict-qualified parameters (one per gate block) are what lets GCC
// vectorise the loop without runtime alias checks.
inline void lstm_forward_row(int H, float* __restrict pi, float* __restrict pf,
                             float* __restrict pg, float* __restrict po,
                             const float* __restrict cp, float* __restrict cb,
                             float* __restrict hb) {
  for (int j = 0; j < H; ++j) {
    const float i = ops::sigmoid_f(pi[j]);
    const float f = ops::sigmoid_f(pf[j]);
    const float g = ops::tanh_f(pg[j]);
    const float o = ops::sigmoid_f(po[j]);
    pi[j] = i;
    pf[j] = f;
    pg[j] = g;
    po[j] = o;
    const float cn = f * cp[j] + i * g;
    cb[j] = cn;
    hb[j] = o * ops::tanh_f(cn);
  }
}

RNNGEN_SIMD_CLONES
void lstm_forward_rows(int b0, int b1, int H, float* pre, const float* c_prev, float* c,
                       float* h) {
  for (int b = b0; b < b1; ++b) {
    float* p = pre + static_cast<size_t>(b) * 4 * H;
    const size_t o0 = static_cast<size_t>(b) * H;
    lstm_forward_row(H, p, p + H, p + 2 * H, p + 3 * H, c_prev + o0, c + o0, h + o0);
  }
}

inline void lstm_backward_row(int H, const float* __restrict ai, const float* __restrict af,
                              const float* __restrict ag, const float* __restrict ao,
                              const float* __restrict cp, const float* __restrict cb,
                              const float* __restrict dhb, float* __restrict dcb,
                              float* __restrict di, float* __restrict df, float* __restrict dg,
                              float* __restrict dout) {
  for (int j = 0; j < H; ++j) {
    const float i = ai[j], f = af[j], g = ag[j], o = ao[j];
    const float tc = ops::tanh_f(cb[j]);
    const float dhj = dhb[j];
    const float dcj = dcb[j] + dhj * o * (1.0f - tc * tc);
    di[j] = dcj * g * i * (1.0f - i);
    df[j] = dcj * cp[j] * f * (1.0f - f);
    dg[j] = dcj * i * (1.0f - g * g);
    dout[j] = dhj * tc * o * (1.0f - o);
    dcb[j] = dcj * f;
  }
}

RNNGEN_SIMD_CLONES
void lstm_backward_rows(int b0, int b1, int H, const float* act, const float* c_prev,
                        const float* c, const float* dh, float* dc, float* dgates) {
  for (int b = b0; b < b1; ++b) {
    const float* a = act + static_cast<size_t>(b) * 4 * H;
    float* d = dgates + static_cast<size_t>(b) * 4 * H;
    const size_t o0 = static_cast<size_t>(b) * H;
    lstm_backward_row(H, a, a + H, a + 2 * H, a + 3 * H, c_prev + o0, c + o0, dh + o0, dc + o0,
                      d, d + H, d + 2 * H, d + 3 * H);
  }
}

}  // namespace

template <typename T>
void lstm_step_forward(int B, int H, T* pre, const T* c_prev, T* c, T* h) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) {
      ops::parallel_rows(B, static_cast<size_t>(4) * H,
                         [&](int b0, int b1) { lstm_forward_rows(b0, b1, H, pre, c_prev, c, h); });
      return;
    }
  }
  lstm_step_forward_ref(B, H, pre, c_prev, c, h);
}

template <typename T>
void lstm_step_backward(int B, int H, const T* act, const T* c_prev, const T* c, const T* dh,
                        T* dc, T* dgates) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) {
      ops::parallel_rows(B, static_cast<size_t>(4) * H, [&](int b0, int b1) {
        lstm_backward_rows(b0, b1, H, act, c_prev, c, dh, dc, dgates);
      });
      return;
    }
  }
  lstm_step_backward_ref(B, H, act, c_prev, c, dh, dc, dgates);
}

#define RNNGEN_LSTM_INST(T, SUFFIX)                                                      \
  template void lstm_step_forward##SUFFIX<T>(int, int, T*, const T*, T*, T*);            \
  template void lstm_step_backward##SUFFIX<T>(int, int, const T*, const T*, const T*,    \
                                              const T*, T*, T*);
RNNGEN_LSTM_INST(float, )
RNNGEN_LSTM_INST(double, )
RNNGEN_LSTM_INST(float, _ref)
RNNGEN_LSTM_INST(double, _ref)
#undef RNNGEN_LSTM_INST

}  // namespace rnngen::layers
