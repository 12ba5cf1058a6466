#include "layers/bidirectional.h"

#include <cstring>

#include "util/check.h"

namespace rnngen::layers {

template <typename T>
Bidirectional<T>::Bidirectional(Cell cell, int input_size, int hidden_size, Merge merge)
    : fwd_(cell, input_size, hidden_size, /*reverse=*/false),
      bwd_(cell, input_size, hidden_size, /*reverse=*/true),
      hidden_(hidden_size),
      merge_(merge) {}

template <typename T>
void Bidirectional<T>::forward(const RecurrentWeights<T>& fw, const RecurrentWeights<T>& bw,
                               int steps, int batch, const T* x, const int32_t* ids,
                               const T* h0, const T* c0) {
  steps_ = steps;
  batch_ = batch;
  dense_ = x != nullptr;
  const size_t n = bh();
  fwd_.forward(fw, steps, batch, x, ids, h0, c0);
  bwd_.forward(bw, steps, batch, x, ids, h0 ? h0 + n : nullptr, c0 ? c0 + n : nullptr);

  const int H = hidden_, O = output_size();
  const size_t rows = static_cast<size_t>(steps) * batch;
  y_.resize(rows * O);
  const T* yf = fwd_.output();
  const T* yb = bwd_.output();
  for (size_t r = 0; r < rows; ++r) {
    T* out = y_.data() + r * O;
    const T* a = yf + r * H;
    const T* b = yb + r * H;
    if (merge_ == Merge::kConcat) {
      std::memcpy(out, a, H * sizeof(T));
      std::memcpy(out + H, b, H * sizeof(T));
    } else {
      for (int j = 0; j < H; ++j) out[j] = a[j] + b[j];
    }
  }
}

template <typename T>
void Bidirectional<T>::backward(const RecurrentWeights<T>& fw, const RecurrentWeights<T>& bw,
                                const RecurrentGrads<T>& gf, const RecurrentGrads<T>& gb,
                                const T* dy, const T* dhT, const T* dcT, T* dx, T* dh0,
                                T* dc0) {
  RNNGEN_CHECK(steps_ > 0);
  const int H = hidden_;
  const size_t n = bh(), rows = static_cast<size_t>(steps_) * batch_;
  // Sum merge: each direction receives dy unchanged. Concat: split dy's halves apart, since
  // Recurrent wants a contiguous [T,B,H] gradient.
  const T* dyf = dy;
  const T* dyb = dy;
  if (dy && merge_ == Merge::kConcat) {
    dy_f_.resize(rows * H);
    dy_b_.resize(rows * H);
    for (size_t r = 0; r < rows; ++r) {
      std::memcpy(dy_f_.data() + r * H, dy + r * 2 * H, H * sizeof(T));
      std::memcpy(dy_b_.data() + r * H, dy + r * 2 * H + H, H * sizeof(T));
    }
    dyf = dy_f_.data();
    dyb = dy_b_.data();
  }
  T* dxb = nullptr;
  if (dx && dense_) {
    dx_b_.resize(rows * fwd_.input_size());
    dxb = dx_b_.data();
  }
  fwd_.backward(fw, gf, dyf, dhT, dcT, dense_ ? dx : nullptr, dh0, dc0);
  bwd_.backward(bw, gb, dyb, dhT ? dhT + n : nullptr, dcT ? dcT + n : nullptr, dxb,
                dh0 ? dh0 + n : nullptr, dc0 ? dc0 + n : nullptr);
  if (dxb)
    for (size_t k = 0; k < rows * fwd_.input_size(); ++k) dx[k] += dxb[k];
}

template class Bidirectional<float>;
template class Bidirectional<double>;

}  // namespace rnngen::layers
