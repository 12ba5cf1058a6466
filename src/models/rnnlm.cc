#include "models/rnnlm.h"

#include <algorithm>
#include <cstring>

#include "layers/dropout.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/softmax_ce.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "util/check.h"

namespace rnngen::models {

layers::Cell parse_cell(const std::string& name) {
  if (name == "lstm") return layers::Cell::kLstm;
  if (name == "gru") return layers::Cell::kGru;
  if (name == "rnn" || name == "rnn_tanh") return layers::Cell::kRnnTanh;
  if (name == "rnn_relu") return layers::Cell::kRnnRelu;
  throw InputError("unknown cell '" + name + "' (expected lstm, gru, rnn or rnn_relu)");
}

template <typename T>
RnnLm<T>::RnnLm(const ModelConfig& cfg) : cfg_(cfg), cell_(parse_cell(cfg.cell)) {
  const int V = cfg.vocab_size, E = cfg.embed_size, H = cfg.hidden_size, L = cfg.num_layers;
  const int G = layers::gate_count(cell_);
  if (E > 0) emb_ = table_.add("embedding.weight", {V, E});
  for (int l = 0; l < L; ++l) {
    const int in = l == 0 ? (E > 0 ? E : V) : H;
    const std::string k = std::to_string(l);
    w_ih_.push_back(table_.add("rnn.weight_ih_l" + k, {G * H, in}));
    w_hh_.push_back(table_.add("rnn.weight_hh_l" + k, {G * H, H}));
    b_ih_.push_back(table_.add("rnn.bias_ih_l" + k, {G * H}));
    b_hh_.push_back(table_.add("rnn.bias_hh_l" + k, {G * H}));
    layers_.emplace_back(cell_, in, H, false);
  }
  if (!cfg.tie_weights) dec_w_ = table_.add("decoder.weight", {V, H});
  dec_b_ = table_.add("decoder.bias", {V});
  params_.assign(table_.total(), T(0));
  masks_.resize(L);
  drop_.resize(L);
}

template <typename T>
T* RnnLm<T>::grad_buffer() {
  // A model loaded to sample or score would otherwise fault in and zero as many bytes again
  // as its weights (79 MB for PTB medium) for nothing.
  if (grads_.empty()) grads_.assign(table_.total(), T(0));
  return grads_.data();
}

template <typename T>
void RnnLm<T>::zero_grads() {
  T* g = grad_buffer();
  std::fill(g, g + grads_.size(), T(0));
}

template <typename T>
layers::RecurrentWeights<T> RnnLm<T>::weights(int l) const {
  const T* p = params_.data();
  return {p + w_ih_[l], p + w_hh_[l], p + b_ih_[l], p + b_hh_[l]};
}

template <typename T>
layers::RecurrentGrads<T> RnnLm<T>::layer_grads(int l) {
  T* g = grad_buffer();
  return {g + w_ih_[l], g + w_hh_[l], g + b_ih_[l], g + b_hh_[l]};
}

template <typename T>
const T* RnnLm<T>::decoder_weight() const {
  return params_.data() + (cfg_.tie_weights ? emb_ : dec_w_);
}

template <typename T>
void RnnLm<T>::zero_state(int B, LmState<T>& s) const {
  const size_t n = static_cast<size_t>(cfg_.num_layers) * B * cfg_.hidden_size;
  s.h.assign(n, T(0));
  s.c.assign(cell_ == layers::Cell::kLstm ? n : 0, T(0));
}

template <typename T>
double RnnLm<T>::forward(const int32_t* ids, const int32_t* targets, int B, int Tn,
                         const LmState<T>* init, const ForwardOptions& opt, const layers::DropoutKey* drop) {
  const int V = cfg_.vocab_size, E = cfg_.embed_size, H = cfg_.hidden_size;
  const int L = cfg_.num_layers;
  const size_t N = static_cast<size_t>(B) * Tn, BH = static_cast<size_t>(B) * H;
  B_ = B;
  T_ = Tn;
  dropped_ = opt.dropout && cfg_.dropout > 0;
  RNNGEN_CHECK(!dropped_ || drop != nullptr);

  ids_tm_.resize(N);
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Tn; ++t) ids_tm_[static_cast<size_t>(t) * B + b] = ids[static_cast<size_t>(b) * Tn + t];

  const T* x = nullptr;
  // With an embedding, layer 0's input projection is Emb[id] W_ih^T. When the window has more
  // tokens than the vocabulary, project the whole table once ([V,E] x [E,G*H]) and gather
  // rows, instead of gathering embeddings and projecting every token ([N,E] x [E,G*H]).
  // Embedding dropout masks each token position separately, so it needs the per-token path.
  embed_dropped_ = E > 0 && opt.dropout && cfg_.embed_dropout > 0;
  RNNGEN_CHECK(!embed_dropped_ || drop != nullptr);
  emb_table_ = E > 0 && static_cast<size_t>(V) <= N && !embed_dropped_;
  if (emb_table_) {
    const int GH = layers::gate_count(cell_) * H;
    table0_.resize(static_cast<size_t>(V) * GH);
    ops::gemm(false, true, V, GH, E, T(1), params_.data() + emb_, E, params_.data() + w_ih_[0], E,
              T(0), table0_.data(), GH);
  } else if (E > 0) {
    x0_.resize(N * E);
    layers::embedding_forward(static_cast<int>(N), E, ids_tm_.data(), params_.data() + emb_, x0_.data());
    if (embed_dropped_) {
      // In place: layer 0 reads (and its backward re-reads) the dropped embedding.
      layers::dropout_mask_ctr(Tn, B, E, cfg_.embed_dropout, 0, *drop, embed_mask_);
      layers::dropout_apply(N * E, embed_mask_.data(), x0_.data(), x0_.data());
    }
    x = x0_.data();
  }
  for (int l = 0; l < L; ++l) {
    const T* h0 = init ? init->h.data() + l * BH : nullptr;
    const T* c0 = init && !init->c.empty() ? init->c.data() + l * BH : nullptr;
    if (l == 0 && emb_table_)
      layers_[0].forward_table(weights(0), Tn, B, ids_tm_.data(), table0_.data(), V, h0, c0);
    else
      layers_[l].forward(weights(l), Tn, B, x, x ? nullptr : ids_tm_.data(), h0, c0);
    x = layers_[l].output();
    if (dropped_) {
      layers::dropout_mask_ctr(Tn, B, H, cfg_.dropout, static_cast<uint32_t>(1 + l), *drop, masks_[l]);
      drop_[l].resize(N * H);
      layers::dropout_apply(N * H, masks_[l].data(), x, drop_[l].data());
      x = drop_[l].data();
    }
  }
  decoder_in_ = x;
  logits_.resize(N * V);
  layers::linear_forward(static_cast<int>(N), H, V, x, decoder_weight(), params_.data() + dec_b_,
                         logits_.data());

  counted_ = 0;
  if (!targets) return 0.0;
  targets_tm_.resize(N);
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Tn; ++t) {
      int32_t y = targets[static_cast<size_t>(b) * Tn + t];
      targets_tm_[static_cast<size_t>(t) * B + b] = y;
      counted_ += y >= 0;
    }
  T* dl = nullptr;
  if (opt.keep_grad) {
    dlogits_.resize(N * V);
    dl = dlogits_.data();
  }
  return layers::softmax_ce(static_cast<int>(N), V, logits_.data(), targets_tm_.data(), T(1), dl);
}

template <typename T>
void RnnLm<T>::backward(T scale, LmState<T>* dinit, const GradsReady& ready) {
  const int V = cfg_.vocab_size, E = cfg_.embed_size, H = cfg_.hidden_size;
  const int L = cfg_.num_layers, B = B_;
  const size_t N = static_cast<size_t>(B) * T_, BH = static_cast<size_t>(B) * H;
  RNNGEN_CHECK(dlogits_.size() >= N * V);
  for (size_t k = 0; k < N * V; ++k) dlogits_[k] *= scale;

  const size_t width = static_cast<size_t>(std::max(H, E));
  dbuf_a_.resize(N * width);
  dbuf_b_.resize(N * width);
  T* d_out = dbuf_a_.data();  // gradient at the current layer's (dropped) output
  T* d_in = dbuf_b_.data();   // gradient at its input
  T* g = grad_buffer();
  layers::linear_backward(static_cast<int>(N), H, V, decoder_in_, decoder_weight(), dlogits_.data(),
                          g + (cfg_.tie_weights ? emb_ : dec_w_), g + dec_b_, d_out);
  // Tied weights: the decoder's gradient is the embedding's, final only at the end.
  if (ready) ready(cfg_.tie_weights ? dec_b_ : dec_w_);
  if (dinit) {
    dinit->h.assign(static_cast<size_t>(L) * BH, T(0));
    dinit->c.assign(cell_ == layers::Cell::kLstm ? static_cast<size_t>(L) * BH : 0, T(0));
  }
  for (int l = L - 1; l >= 0; --l) {
    if (dropped_) layers::dropout_apply(N * H, masks_[l].data(), d_out, d_out);
    T* dx = (l > 0 || (E > 0 && !emb_table_)) ? d_in : nullptr;
    T* dh0 = dinit ? dinit->h.data() + l * BH : nullptr;
    T* dc0 = dinit && !dinit->c.empty() ? dinit->c.data() + l * BH : nullptr;
    layers_[l].backward(weights(l), layer_grads(l), d_out, nullptr, nullptr, dx, dh0, dc0);
    std::swap(d_out, d_in);
    // Layer 0's W_ih gradient still gets the embedding table's share below.
    if (ready && l > 0) ready(w_ih_[l]);
    else if (ready && !emb_table_) ready(w_ih_[0]);
    else if (ready) ready(w_hh_[0]);
  }
  if (emb_table_) {
    // dtable [V,G*H] = gate gradients summed per token: dW_ih0 += dtable^T Emb and
    // dEmb += dtable W_ih0.
    const int GH = layers::gate_count(cell_) * H;
    const T* dt = layers_[0].dtable();
    ops::gemm(true, false, GH, E, V, T(1), dt, GH, params_.data() + emb_, E, T(1), g + w_ih_[0], E);
    ops::gemm(false, false, V, E, GH, T(1), dt, GH, params_.data() + w_ih_[0], E, T(1), g + emb_, E);
  } else if (E > 0) {
    if (embed_dropped_) layers::dropout_apply(N * E, embed_mask_.data(), d_out, d_out);
    layers::embedding_backward(static_cast<int>(N), E, ids_tm_.data(), d_out, g + emb_);
  }
  if (ready) ready(0);
}

template <typename T>
void RnnLm<T>::final_state(LmState<T>& s) const {
  const size_t BH = static_cast<size_t>(B_) * cfg_.hidden_size;
  const int L = cfg_.num_layers;
  s.h.resize(L * BH);
  s.c.resize(cell_ == layers::Cell::kLstm ? L * BH : 0);
  for (int l = 0; l < L; ++l) {
    std::memcpy(s.h.data() + l * BH, layers_[l].final_h(), BH * sizeof(T));
    if (!s.c.empty()) std::memcpy(s.c.data() + l * BH, layers_[l].final_c(), BH * sizeof(T));
  }
}

template class RnnLm<float>;
template class RnnLm<double>;

}  // namespace rnngen::models
