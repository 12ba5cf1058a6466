// The language model of the contract: Embedding (or one-hot) -> stacked LSTM/GRU/RNN ->
// Linear decoder, with dropout between layers and before the decoder (training only).
// Its tensors are named exactly as PyTorch's RNNLM module names them (docs/format.md).
//
// Batches come in batch-first ([B, T], as users and PyTorch's batch_first write them) and are
// turned time-major inside, so that every time step's rows are contiguous for the GEMMs.
// State: h and c are [L, B, H], PyTorch's (num_layers, batch, hidden).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "layers/dropout.h"
#include "layers/recurrent.h"
#include "models/param_table.h"
#include "rnngen/config.h"
#include "util/rng.h"

namespace rnngen::models {

layers::Cell parse_cell(const std::string& name);  // "lstm" | "gru" | "rnn" | "rnn_relu"

template <typename T>
struct LmState {
  std::vector<T> h, c;  // [L, B, H]; c is empty for GRU/RNN
};

struct ForwardOptions {
  bool dropout = false;    // apply dropout (training); needs a DropoutKey
  bool keep_grad = false;  // keep what backward needs (the softmax gradient)
};

template <typename T>
class RnnLm {
 public:
  explicit RnnLm(const ModelConfig& cfg);

  const ModelConfig& config() const { return cfg_; }
  const ParamTable& table() const { return table_; }
  T* params() { return params_.data(); }
  const T* params() const { return params_.data(); }
  T* grads() { return grad_buffer(); }  // made on first use: inference never needs it
  size_t num_params() const { return table_.total(); }
  void zero_grads();
  T* param(const std::string& name) { return params_.data() + table_.at(name).offset; }

  // ids, targets: [B, Tn] batch-first; targets may be null, a target < 0 is not counted.
  // init: the state at the start of the window (null = zero). Returns the summed NLL over the
  // counted targets (0 without targets); logits() and final_state() hold the rest. Dropout
  // masks come from `drop` (counter-based: a function of its key and the global batch row).
  double forward(const int32_t* ids, const int32_t* targets, int B, int Tn,
                 const LmState<T>* init, const ForwardOptions& opt, const layers::DropoutKey* drop = nullptr);
  // Adds scale * d(summed NLL of the last forward)/d(params) into grads(); when dinit is not
  // null it receives the gradient at the initial state. Needs forward with keep_grad.
  // ready(offset), when given, is called as soon as grads()[offset, num_params()) are final
  // (backward runs top-down, and the table is laid out bottom-up), so that a caller can start
  // summing those gradients over processes while the lower layers' backward still runs.
  using GradsReady = std::function<void(size_t offset)>;
  void backward(T scale, LmState<T>* dinit, const GradsReady& ready = nullptr);

  const T* logits() const { return logits_.data(); }  // [Tn, B, V] time-major: row t*B + b
  int counted() const { return counted_; }
  void final_state(LmState<T>& s) const;
  void zero_state(int B, LmState<T>& s) const;

 private:
  layers::RecurrentWeights<T> weights(int l) const;
  layers::RecurrentGrads<T> layer_grads(int l);
  const T* decoder_weight() const;

  ModelConfig cfg_;
  layers::Cell cell_;
  ParamTable table_;
  T* grad_buffer();
  std::vector<T> params_, grads_;
  std::vector<layers::Recurrent<T>> layers_;
  size_t emb_ = 0, dec_w_ = 0, dec_b_ = 0;
  std::vector<size_t> w_ih_, w_hh_, b_ih_, b_hh_;

  // Activations of the last forward.
  int B_ = 0, T_ = 0, counted_ = 0;
  bool dropped_ = false;
  std::vector<int32_t> ids_tm_, targets_tm_;
  std::vector<T> x0_;                       // [N, E] embeddings
  bool emb_table_ = false;                  // layer 0 gathers from table0_ (see forward)
  std::vector<T> table0_;                   // [V, G*H] = Emb W_ih0^T
  std::vector<std::vector<T>> masks_, drop_;  // per layer: dropout mask and dropped output
  std::vector<T> embed_mask_;                 // embedding-output dropout mask (embed_dropout)
  bool embed_dropped_ = false;
  std::vector<T> logits_, dlogits_;          // [N, V]
  std::vector<T> dbuf_a_, dbuf_b_;
  const T* decoder_in_ = nullptr;
};

}  // namespace rnngen::models
