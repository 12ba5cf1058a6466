#include "api/recurrent_params.h"

#include <algorithm>

#include "api/init.h"
#include "api/layer_impl.h"
#include "rnngen/error.h"

namespace rnngen::api {

using layers::Cell;

int RecurrentParams::keras_block(int g) const {
  if (cell_ == Cell::kGru && g < 2) return 1 - g;
  return g;
}

void RecurrentParams::init(const RecurrentSpec& spec, int input_dim, Rng& rng) {
  cell_ = spec.cell;
  input_ = input_dim;
  units_ = spec.units;
  gates_ = layers::gate_count(cell_);
  const int H = units_, GH = gates_ * H;
  const auto& o = spec.options;
  // Build the Keras tensors with Keras's initializers, then store them through set().
  Tensor kernel({input_dim, GH}), recurrent({H, GH});
  init_fill(o.kernel_initializer, input_dim, GH, rng, kernel.data());
  init_fill(o.recurrent_initializer, H, GH, rng, recurrent.data());
  const bool gru = cell_ == Cell::kGru;
  Tensor bias(gru ? Shape{2, GH} : Shape{GH});
  init_fill(o.bias_initializer, gru ? 2 : 1, GH, rng, bias.data());
  // Keras (LSTMCell.build): with unit_forget_bias the bias is
  // concat(bias_initializer(H), ones(H), bias_initializer(2H)), so the forget block is 1 in
  // place of, not in addition to, what bias_initializer gives.
  if (cell_ == Cell::kLstm && o.unit_forget_bias) std::fill(bias.data() + H, bias.data() + 2 * H, 1.0f);
  set({kernel, recurrent, bias}, Convention::Keras, spec.class_name);
}

int64_t RecurrentParams::count(Convention c) const {
  const int64_t GH = static_cast<int64_t>(gates_) * units_;
  const bool two_biases = c == Convention::PyTorch || cell_ == Cell::kGru;
  return GH * input_ + GH * units_ + (two_biases ? 2 : 1) * GH;
}

std::vector<Tensor> RecurrentParams::get(Convention c) const {
  const int H = units_, G = gates_, GH = G * H, D = input_;
  if (c == Convention::PyTorch)
    return {Tensor({GH, D}, w_ih_), Tensor({GH, H}, w_hh_), Tensor({GH}, b_ih_),
            Tensor({GH}, b_hh_)};
  const bool gru = cell_ == Cell::kGru;
  Tensor kernel({D, GH}), recurrent({H, GH}), bias(gru ? Shape{2, GH} : Shape{GH});
  for (int g = 0; g < G; ++g)
    for (int j = 0; j < H; ++j) {
      const int r = g * H + j;                   // PyTorch row
      const int col = keras_block(g) * H + j;    // Keras column
      for (int d = 0; d < D; ++d) kernel[static_cast<int64_t>(d) * GH + col] = w_ih_[static_cast<size_t>(r) * D + d];
      for (int k = 0; k < H; ++k) recurrent[static_cast<int64_t>(k) * GH + col] = w_hh_[static_cast<size_t>(r) * H + k];
      if (gru) {
        bias[col] = b_ih_[r];
        bias[GH + col] = b_hh_[r];
      } else {
        bias[col] = b_ih_[r] + b_hh_[r];
      }
    }
  return {kernel, recurrent, bias};
}

void RecurrentParams::set(const std::vector<Tensor>& w, Convention c, const std::string& who) {
  const int H = units_, G = gates_, GH = G * H, D = input_;
  w_ih_.resize(static_cast<size_t>(GH) * D);
  w_hh_.resize(static_cast<size_t>(GH) * H);
  b_ih_.resize(GH);
  b_hh_.resize(GH);
  if (c == Convention::PyTorch) {
    if (w.size() != 4)
      throw InputError(who + ".set_weights: PyTorch convention takes 4 tensors (weight_ih, "
                             "weight_hh, bias_ih, bias_hh), got " + std::to_string(w.size()));
    expect_shape(w[0], {GH, D}, who + " weight_ih");
    expect_shape(w[1], {GH, H}, who + " weight_hh");
    expect_shape(w[2], {GH}, who + " bias_ih");
    expect_shape(w[3], {GH}, who + " bias_hh");
    w_ih_ = w[0].values();
    w_hh_ = w[1].values();
    b_ih_ = w[2].values();
    b_hh_ = w[3].values();
    return;
  }
  if (w.size() != 3)
    throw InputError(who + ".set_weights: Keras convention takes 3 tensors (kernel, "
                           "recurrent_kernel, bias), got " + std::to_string(w.size()));
  const bool gru = cell_ == Cell::kGru;
  expect_shape(w[0], {D, GH}, who + " kernel");
  expect_shape(w[1], {H, GH}, who + " recurrent_kernel");
  expect_shape(w[2], gru ? Shape{2, GH} : Shape{GH}, who + " bias");
  for (int g = 0; g < G; ++g)
    for (int j = 0; j < H; ++j) {
      const int r = g * H + j, col = keras_block(g) * H + j;
      for (int d = 0; d < D; ++d) w_ih_[static_cast<size_t>(r) * D + d] = w[0][static_cast<int64_t>(d) * GH + col];
      for (int k = 0; k < H; ++k) w_hh_[static_cast<size_t>(r) * H + k] = w[1][static_cast<int64_t>(k) * GH + col];
      b_ih_[r] = w[2][col];
      b_hh_[r] = gru ? w[2][GH + col] : 0.0f;
    }
}

}  // namespace rnngen::api
