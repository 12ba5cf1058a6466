// Keras-style layers over rnngen's kernels, for students coming from tf.keras examples:
//
//   rnngen::Tensor x({1, 4, 5}, {...});                       // (batch, timesteps, input_dim)
//   rnngen::LSTM lstm(3, {.return_sequences = true, .return_state = true});
//   auto out = lstm(x);        // out.output (1, 4, 3); out.states = {h (1, 3), c (1, 3)}
//
// Shapes are batch-major like Keras: input [B, T, D]; output [B, T, H] with return_sequences,
// else the last step [B, H]. With return_state, states holds the final states in Keras's
// order: SimpleRNN/GRU {h}; LSTM {h, c}; Bidirectional {forward_h, [forward_c,] backward_h,
// [backward_c]}.
//
// Weights live in PyTorch's layout (W_ih [G*H, D], W_hh [G*H, H], b_ih, b_hh [G*H]; gate
// order LSTM i,f,g,o  GRU r,z,n). get_weights/set_weights speak either convention:
//   Keras:   SimpleRNN/LSTM {kernel [D, G*H], recurrent_kernel [H, G*H], bias [G*H]}; the
//            single bias is b_ih + b_hh (set_weights puts it in b_ih and zeroes b_hh).
//            GRU (reset_after=True) {kernel [D,3H], recurrent_kernel [H,3H], bias [2, 3H]}
//            with Keras's gate order z, r, h; row 0 of bias is b_ih, row 1 b_hh.
//            Dense {kernel [in, units], bias [units]}; Embedding {embeddings [V, E]}.
//   PyTorch: {weight_ih, weight_hh, bias_ih, bias_hh} / Dense {weight [units, in], bias}.
//   Bidirectional: the forward layer's list, then the backward layer's.
// Our GRU is PyTorch's, i.e. Keras's GRU with reset_after=True.
//
// Layer objects are handles, like Python references: copies share one layer and its weights.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rnngen/initializers.h"
#include "rnngen/tensor.h"

namespace rnngen {

// How parameters are counted and laid out. Keras keeps one bias vector per gate for
// SimpleRNN/LSTM (units*gates), PyTorch two (b_ih and b_hh). GRU has two in both
// (Keras's reset_after=True bias is [2, 3*units]).
enum class Convention { Keras, PyTorch };

struct LayerOutput {
  Tensor output;               // [B, T, H] (return_sequences) or [B, H]; [.., units] for Dense
  std::vector<Tensor> states;  // empty unless return_state (order above)
};

namespace api {
class LayerImpl;
}

class Layer {
 public:
  // Runs forward; the first call builds the layer from x's shape.
  LayerOutput operator()(const Tensor& x);

  // Creates the weights for an input shape (batch first, None allowed except where a size
  // is needed) and returns the output shape. Building again checks the shape is compatible.
  Shape build(const Shape& input_shape);
  bool built() const;
  const std::string& name() const;
  std::string class_name() const;  // "SimpleRNN", "LSTM", "Bidirectional", ...

  int64_t param_count(Convention c = Convention::Keras) const;
  std::vector<Tensor> get_weights(Convention c = Convention::Keras) const;
  void set_weights(const std::vector<Tensor>& weights, Convention c = Convention::Keras);

  const std::shared_ptr<api::LayerImpl>& impl() const { return impl_; }

 protected:
  explicit Layer(std::shared_ptr<api::LayerImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<api::LayerImpl> impl_;
};

struct RecurrentOptions {
  bool return_sequences = false;
  bool return_state = false;
  std::string activation = "tanh";  // SimpleRNN only: "tanh" | "relu"
  Initializer kernel_initializer = initializers::GlorotUniform();
  Initializer recurrent_initializer = initializers::Orthogonal();
  Initializer bias_initializer = initializers::Zeros();
  // LSTM only, as in Keras: the forget-gate block of the bias is initialised to ones and the
  // other blocks from bias_initializer, whatever bias_initializer is.
  bool unit_forget_bias = true;
  uint64_t seed = 0;  // 0: the next seed of a fixed process-wide sequence
  std::string name;   // empty: Keras-style automatic name ("lstm", "lstm_1", ...)
};

class SimpleRNN : public Layer {
 public:
  explicit SimpleRNN(int units, RecurrentOptions options = {});
};

class LSTM : public Layer {
 public:
  explicit LSTM(int units, RecurrentOptions options = {});
};

// PyTorch's GRU equations, i.e. Keras's GRU(reset_after=True), its default since TF 2.
class GRU : public Layer {
 public:
  explicit GRU(int units, RecurrentOptions options = {});
};

struct DenseOptions {
  std::string activation = "linear";  // "linear" | "sigmoid" | "softmax" | "tanh" | "relu"
  Initializer kernel_initializer = initializers::GlorotUniform();
  Initializer bias_initializer = initializers::Zeros();
  uint64_t seed = 0;
  std::string name;
};

// y = activation(x W^T + b) over the last axis of x (any rank >= 2).
class Dense : public Layer {
 public:
  explicit Dense(int units, std::string activation = "linear");
  Dense(int units, DenseOptions options);
};

struct EmbeddingOptions {
  Initializer embeddings_initializer = initializers::RandomUniform();
  uint64_t seed = 0;
  std::string name;
};

// ids [B, T] (integer values stored as floats) -> [B, T, output_dim].
class Embedding : public Layer {
 public:
  Embedding(int input_dim, int output_dim, EmbeddingOptions options = {});
};

// Runs a copy of a SimpleRNN/LSTM/GRU forwards and another over the reversed sequence (with
// its own weights, initialised from the same options), merging their outputs per step:
// "concat" [.., 2H] or "sum" [.., H]. return_sequences / return_state come from the wrapped
// layer. Without return_sequences the output merges the forward direction's last step with
// the backward direction's final state (its output at t = 0), as Keras does.
class Bidirectional : public Layer {
 public:
  explicit Bidirectional(const Layer& layer, std::string merge_mode = "concat");
};

}  // namespace rnngen
