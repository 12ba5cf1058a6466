// The weights of one direction of a Keras-style recurrent layer, stored in PyTorch's layout
// (W_ih [G*H, D], W_hh [G*H, H], b_ih, b_hh [G*H]), with the conversions to and from Keras's
// (kernel [D, G*H], recurrent_kernel [H, G*H], bias [G*H], or [2, 3H] for GRU).
//
// Gate blocks: LSTM i,f,g,o in both (Keras calls g "c"). GRU: PyTorch r,z,n, Keras z,r,h, so
// blocks 0 and 1 swap between the two. SimpleRNN/LSTM in Keras have a single bias: reading it
// gives b_ih + b_hh, writing it sets b_ih and zeroes b_hh (the sum is all the cell sees).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "layers/cells.h"
#include "layers/recurrent.h"
#include "rnngen/layers.h"
#include "rnngen/tensor.h"
#include "util/rng.h"

namespace rnngen::api {

struct RecurrentSpec {
  layers::Cell cell;
  int units;
  RecurrentOptions options;
  std::string class_name;  // "SimpleRNN" | "LSTM" | "GRU"
};

class RecurrentParams {
 public:
  // Sizes the weights for input_dim and fills them from spec's initializers.
  void init(const RecurrentSpec& spec, int input_dim, Rng& rng);

  int input_dim() const { return input_; }
  int64_t count(Convention c) const;
  std::vector<Tensor> get(Convention c) const;
  void set(const std::vector<Tensor>& w, Convention c, const std::string& who);
  layers::RecurrentWeights<float> view() const {
    return {w_ih_.data(), w_hh_.data(), b_ih_.data(), b_hh_.data()};
  }

 private:
  // Keras's column block for PyTorch's gate block g.
  int keras_block(int g) const;

  layers::Cell cell_ = layers::Cell::kLstm;
  int input_ = 0, units_ = 0, gates_ = 0;
  std::vector<float> w_ih_, w_hh_, b_ih_, b_hh_;
};

}  // namespace rnngen::api
