// A bidirectional recurrent layer: two layers::Recurrent over the same window, the second run
// with reverse=true, their outputs merged per time step. Forward and backward, so it trains.
//
// Shapes (time-major, like Recurrent):
//   x: [T, B, D] (or ids [T, B])      weights: one RecurrentWeights per direction
//   h0, c0, dh0, dc0, dhT, dcT: [2, B, H], forward direction first (PyTorch's h_n layout)
//   concat: y[t] = [y_fwd[t], y_bwd[t]]  -> y: [T, B, 2H]
//   sum:    y[t] =  y_fwd[t] + y_bwd[t]  -> y: [T, B, H]
// y_bwd[t] is the reverse direction's output at original time t (it has read x[T-1..t]), so
// the backward direction's final state is y_bwd[0]: what Keras returns as backward_h.
#pragma once
#include <cstdint>
#include <vector>

#include "layers/recurrent.h"

namespace rnngen::layers {

enum class Merge { kConcat, kSum };

template <typename T>
class Bidirectional {
 public:
  Bidirectional(Cell cell, int input_size, int hidden_size, Merge merge);

  // Exactly one of x and ids; x must stay alive until backward. h0 / c0 may be null (zeros).
  void forward(const RecurrentWeights<T>& fw, const RecurrentWeights<T>& bw, int steps,
               int batch, const T* x, const int32_t* ids, const T* h0, const T* c0);

  // dy: [T,B,output_size()] or null; dhT / dcT: [2,B,H] or null. Adds weight gradients into
  // gf / gb; writes dx [T,B,D] (dense input) and dh0 / dc0 [2,B,H] when not null.
  void backward(const RecurrentWeights<T>& fw, const RecurrentWeights<T>& bw,
                const RecurrentGrads<T>& gf, const RecurrentGrads<T>& gb, const T* dy,
                const T* dhT, const T* dcT, T* dx, T* dh0, T* dc0);

  const T* output() const { return y_.data(); }  // [T, B, output_size()]
  int output_size() const { return merge_ == Merge::kConcat ? 2 * hidden_ : hidden_; }
  const Recurrent<T>& forward_layer() const { return fwd_; }
  const Recurrent<T>& backward_layer() const { return bwd_; }
  Merge merge() const { return merge_; }

 private:
  size_t bh() const { return static_cast<size_t>(batch_) * hidden_; }

  Recurrent<T> fwd_, bwd_;
  int hidden_;
  Merge merge_;
  int steps_ = 0, batch_ = 0;
  bool dense_ = false;
  std::vector<T> y_;            // [T,B,output_size()]
  std::vector<T> dy_f_, dy_b_;  // concat: each direction's slice of dy, [T,B,H]
  std::vector<T> dx_b_;         // the backward direction's dx, added to the forward one
};

}  // namespace rnngen::layers
