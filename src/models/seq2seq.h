// The encoder-decoder of task "seq2seq" (docs/format.md): an Embedding + stacked LSTM/GRU/RNN
// encoder (optionally bidirectional, optionally reading the source backwards) and an Embedding +
// stacked decoder started from the encoder's final states, with a Linear output layer.
//   plain:     the decoder starts from the encoder's final state per layer.
//   peeky:     also [h_enc, embedding] as every decoder input and [h_enc, h_dec] into the output
//              layer ("Deep Learning from Scratch 2", PeekyDecoder), h_enc = top layer's state.
//   attention: dot-product attention of each top decoder state over the top encoder outputs
//              (padding masked out), [context, h_dec] into the output layer (the book's ch. 8).
// With a bidirectional encoder each layer's two final states are concatenated, so the decoder
// has 2 * hidden_size units. Tensor names follow the PyTorch module in docs/format.md.
//
// Batches are batch-first and padded: src [B, Ts] with src_len[b] real tokens, dec_in and
// targets [B, Td] (a target < 0 is not counted). Inside, everything is time-major.
#pragma once
#include <cstdint>
#include <vector>

#include "layers/recurrent.h"
#include "models/param_table.h"
#include "rnngen/config.h"
#include "util/rng.h"

namespace rnngen::models {

struct Seq2SeqBatch {
  int B = 0, Ts = 0, Td = 0;
  const int32_t* src = nullptr;      // [B, Ts] (in reading order; reversed inside when asked)
  const int32_t* src_len = nullptr;  // [B], each in [1, Ts]
  const int32_t* dec_in = nullptr;   // [B, Td]
  const int32_t* targets = nullptr;  // [B, Td] or null
};

// Activations of one forward: the model's own for training, a caller's for inference (so that
// translating never writes into the model).
template <typename T>
struct Seq2SeqWork {
  int B = 0, Ts = 0, Td = 0, counted = 0;
  bool dropped = false;
  std::vector<layers::Recurrent<T>> enc, dec;   // enc: [layer * dirs + dir]
  std::vector<int32_t> src_tm, len, dec_tm, tgt_tm;
  std::vector<T> enc_x0, dec_x0;                 // embeddings (decoder: [peek, emb] with peeky)
  std::vector<std::vector<T>> enc_cat;           // bidirectional: [Ts,B,2H] per layer
  std::vector<std::vector<T>> enc_mask, enc_drop, dec_mask, dec_drop;
  std::vector<std::vector<T>> fin_h, fin_c;      // encoder final states per layer, [B, Hd]
  std::vector<T> attn;                           // [B, Td, Ts]
  std::vector<T> out_in, logits, dlogits;        // [Td*B, O], [Td*B, V]
  // Layer 0's input projection by token: Emb W_ih^T [V, G*H] gathered per token (when V is
  // at most the window's tokens), per encoder direction; the decoder's peeky part of W_ih x
  // is the same at every step, [B, G*Hd].
  bool enc_tab = false, dec_tab = false;
  std::vector<std::vector<T>> enc_table;
  std::vector<T> dec_table, dec_row_bias, d_row_bias;
  const T* enc_top = nullptr;                    // [Ts, B, Hd]
  const T* dec_top = nullptr;                    // [Td, B, Hd] (after dropout)
};

// Decoder state of n rows during generation: h and c per layer, [L, n, Hd].
template <typename T>
struct DecodeState {
  int n = 0, Ts = 0;
  std::vector<T> h, c;
  std::vector<T> peek;     // [n, Hd]
  std::vector<T> enc_top;  // [Ts, n, Hd] (attention)
  std::vector<int32_t> len;
  // Decoder layer 0's input projection: Emb W_ih^T [V, G*Hd] by token, plus (peeky) the
  // peek part of W_ih x per row [n, G*Hd], made once by encode().
  std::vector<T> table, row_bias;
};

template <typename T>
class Seq2Seq {
 public:
  explicit Seq2Seq(const ModelConfig& cfg);

  const ModelConfig& config() const { return cfg_; }
  const ParamTable& table() const { return table_; }
  T* params() { return params_.data(); }
  const T* params() const { return params_.data(); }
  T* grads();
  size_t num_params() const { return table_.total(); }
  void zero_grads();
  int decoder_hidden() const { return hd_; }

  // Summed NLL over the counted targets (0 without targets). dropout needs rng. The first form
  // is training's: its activations and the softmax gradient stay in work() for backward; the
  // second scores into the caller's `w` and keeps the softmax gradient only when asked.
  double forward(const Seq2SeqBatch& b, bool dropout, Rng* rng) { return forward(b, dropout, rng, work_, true); }
  double forward(const Seq2SeqBatch& b, bool dropout, Rng* rng, Seq2SeqWork<T>& w, bool keep_grad = false) const;
  int counted() const { return work_.counted; }
  const Seq2SeqWork<T>& work() const { return work_; }
  // Adds scale * d(summed NLL)/d(params) into grads().
  void backward(T scale);

  // Generation: encode n sources (in reading order), then step the decoder one token per row.
  void encode(const std::vector<std::vector<int32_t>>& sources, DecodeState<T>& st, Seq2SeqWork<T>& w) const;
  // tokens [st.n] -> log-probabilities [st.n, V]; attn (optional) receives [st.n, Ts].
  void step(DecodeState<T>& st, const int32_t* tokens, std::vector<T>& logp, std::vector<T>* attn,
            Seq2SeqWork<T>& w) const;
  // Keeps rows `from[i]` as the new row i (beam search).
  void reorder(DecodeState<T>& st, const std::vector<int>& from) const;

 private:
  struct LayerOffsets {
    size_t w_ih, w_hh, b_ih, b_hh;
  };
  layers::RecurrentWeights<T> weights(const LayerOffsets& o) const;
  layers::RecurrentGrads<T> grads_of(const LayerOffsets& o);
  LayerOffsets add_layer(const std::string& prefix, const std::string& suffix, int gates, int in, int hidden);
  void make_layers(Seq2SeqWork<T>& w) const;
  void run_encoder(Seq2SeqWork<T>& w, Rng* rng) const;
  int out_in() const { return hd_ * (cfg_.decoder == "plain" ? 1 : 2); }

  ModelConfig cfg_;
  layers::Cell cell_;
  int dirs_, hd_;  // encoder directions; decoder hidden size (= dirs * hidden)
  ParamTable table_;
  std::vector<T> params_, grads_;
  size_t enc_emb_ = 0, dec_emb_ = 0, out_w_ = 0, out_b_ = 0;
  std::vector<LayerOffsets> enc_off_, dec_off_;  // enc: [layer * dirs + dir]
  Seq2SeqWork<T> work_;
  // Backward scratch.
  std::vector<T> d_out_in_, d_a_, d_b_, d_enc_top_, d_peek_, d_split_, d_dir_x_, dh_fin_, dc_fin_, dh0_, dc0_;
};

}  // namespace rnngen::models
