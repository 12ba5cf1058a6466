#include "models/seq2seq.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "layers/dropout.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/softmax_ce.h"
#include "models/rnnlm.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "util/check.h"

namespace rnngen::models {

template <typename T>
Seq2Seq<T>::Seq2Seq(const ModelConfig& cfg)
    : cfg_(cfg),
      cell_(parse_cell(cfg.cell)),
      dirs_(cfg.bidirectional_encoder ? 2 : 1),
      hd_(cfg.hidden_size * (cfg.bidirectional_encoder ? 2 : 1)) {
  const int V = cfg.vocab_size, E = cfg.embed_size, H = cfg.hidden_size, L = cfg.num_layers;
  const int G = layers::gate_count(cell_);
  RNNGEN_CHECK(E > 0);
  enc_emb_ = table_.add("encoder.embedding.weight", {V, E});
  for (int l = 0; l < L; ++l)
    for (int d = 0; d < dirs_; ++d)
      enc_off_.push_back(add_layer("encoder.rnn.", "_l" + std::to_string(l) + (d ? "_reverse" : ""), G,
                                   l == 0 ? E : hd_, H));
  dec_emb_ = table_.add("decoder.embedding.weight", {V, E});
  const int din = E + (cfg.decoder == "peeky" ? hd_ : 0);
  for (int l = 0; l < L; ++l)
    dec_off_.push_back(add_layer("decoder.rnn.", "_l" + std::to_string(l), G, l == 0 ? din : hd_, hd_));
  out_w_ = table_.add("decoder.out.weight", {V, out_in()});
  out_b_ = table_.add("decoder.out.bias", {V});
  params_.assign(table_.total(), T(0));
}

template <typename T>
typename Seq2Seq<T>::LayerOffsets Seq2Seq<T>::add_layer(const std::string& prefix, const std::string& suffix,
                                                        int gates, int in, int hidden) {
  LayerOffsets o;
  o.w_ih = table_.add(prefix + "weight_ih" + suffix, {gates * hidden, in});
  o.w_hh = table_.add(prefix + "weight_hh" + suffix, {gates * hidden, hidden});
  o.b_ih = table_.add(prefix + "bias_ih" + suffix, {gates * hidden});
  o.b_hh = table_.add(prefix + "bias_hh" + suffix, {gates * hidden});
  return o;
}

template <typename T>
T* Seq2Seq<T>::grads() {
  if (grads_.empty()) grads_.assign(table_.total(), T(0));
  return grads_.data();
}

template <typename T>
void Seq2Seq<T>::zero_grads() {
  T* g = grads();
  std::fill(g, g + grads_.size(), T(0));
}

template <typename T>
layers::RecurrentWeights<T> Seq2Seq<T>::weights(const LayerOffsets& o) const {
  const T* p = params_.data();
  return {p + o.w_ih, p + o.w_hh, p + o.b_ih, p + o.b_hh};
}

template <typename T>
layers::RecurrentGrads<T> Seq2Seq<T>::grads_of(const LayerOffsets& o) {
  T* g = grads();
  return {g + o.w_ih, g + o.w_hh, g + o.b_ih, g + o.b_hh};
}

template <typename T>
void Seq2Seq<T>::make_layers(Seq2SeqWork<T>& w) const {
  if (!w.enc.empty()) return;
  const int E = cfg_.embed_size, H = cfg_.hidden_size, L = cfg_.num_layers;
  for (int l = 0; l < L; ++l)
    for (int d = 0; d < dirs_; ++d) w.enc.emplace_back(cell_, l == 0 ? E : hd_, H, d == 1);
  const int din = E + (cfg_.decoder == "peeky" ? hd_ : 0);
  for (int l = 0; l < L; ++l) w.dec.emplace_back(cell_, l == 0 ? din : hd_, hd_, false);
  w.enc_cat.resize(L);
  w.enc_mask.resize(L);
  w.enc_drop.resize(L);
  w.dec_mask.resize(L);
  w.dec_drop.resize(L);
  w.fin_h.resize(L);
  w.fin_c.resize(L);
}

template <typename T>
void Seq2Seq<T>::run_encoder(Seq2SeqWork<T>& w, Rng* rng) const {
  const int E = cfg_.embed_size, H = cfg_.hidden_size, L = cfg_.num_layers, B = w.B, Ts = w.Ts;
  const size_t N = static_cast<size_t>(Ts) * B;
  const bool lstm = cell_ == layers::Cell::kLstm;
  const int V = cfg_.vocab_size, GH = layers::gate_count(cell_) * H;
  // Layer 0 gathers Emb W_ih^T rows when the vocabulary is smaller than the window (as RnnLm).
  w.enc_tab = static_cast<size_t>(V) <= N;
  const T* x = nullptr;
  if (w.enc_tab) {
    w.enc_table.resize(dirs_);
    for (int d = 0; d < dirs_; ++d) {
      w.enc_table[d].resize(static_cast<size_t>(V) * GH);
      ops::gemm(false, true, V, GH, E, T(1), params_.data() + enc_emb_, E, params_.data() + enc_off_[d].w_ih, E, T(0),
                w.enc_table[d].data(), GH);
    }
  } else {
    w.enc_x0.resize(N * E);
    layers::embedding_forward(static_cast<int>(N), E, w.src_tm.data(), params_.data() + enc_emb_, w.enc_x0.data());
    x = w.enc_x0.data();
  }
  for (int l = 0; l < L; ++l) {
    for (int d = 0; d < dirs_; ++d) {
      layers::Recurrent<T>& r = w.enc[l * dirs_ + d];
      r.set_lengths(w.len.data(), B);
      if (l == 0 && w.enc_tab)
        r.forward_table(weights(enc_off_[d]), Ts, B, w.src_tm.data(), w.enc_table[d].data(), V, nullptr, nullptr);
      else
        r.forward(weights(enc_off_[l * dirs_ + d]), Ts, B, x, nullptr, nullptr, nullptr);
    }
    const layers::Recurrent<T>& f = w.enc[l * dirs_];
    const T* out = f.output();
    w.fin_h[l].resize(static_cast<size_t>(B) * hd_);
    w.fin_c[l].resize(lstm ? static_cast<size_t>(B) * hd_ : 0);
    if (dirs_ == 2) {
      const layers::Recurrent<T>& r = w.enc[l * dirs_ + 1];
      w.enc_cat[l].resize(N * hd_);
      for (size_t i = 0; i < N; ++i) {
        std::memcpy(w.enc_cat[l].data() + i * hd_, f.output() + i * H, H * sizeof(T));
        std::memcpy(w.enc_cat[l].data() + i * hd_ + H, r.output() + i * H, H * sizeof(T));
      }
      out = w.enc_cat[l].data();
      for (int b = 0; b < B; ++b) {
        const size_t o = static_cast<size_t>(b) * H;
        std::memcpy(w.fin_h[l].data() + 2 * o, f.final_h() + o, H * sizeof(T));
        std::memcpy(w.fin_h[l].data() + 2 * o + H, r.final_h() + o, H * sizeof(T));
        if (lstm) {
          std::memcpy(w.fin_c[l].data() + 2 * o, f.final_c() + o, H * sizeof(T));
          std::memcpy(w.fin_c[l].data() + 2 * o + H, r.final_c() + o, H * sizeof(T));
        }
      }
    } else {
      std::memcpy(w.fin_h[l].data(), f.final_h(), static_cast<size_t>(B) * H * sizeof(T));
      if (lstm) std::memcpy(w.fin_c[l].data(), f.final_c(), static_cast<size_t>(B) * H * sizeof(T));
    }
    if (l < L - 1 && w.dropped) {
      layers::dropout_draw_mask(N * hd_, cfg_.dropout, *rng, w.enc_mask[l]);
      w.enc_drop[l].resize(N * hd_);
      layers::dropout_apply(N * hd_, w.enc_mask[l].data(), out, w.enc_drop[l].data());
      x = w.enc_drop[l].data();
    } else {
      x = out;
    }
  }
  w.enc_top = x;
}

// Softmax over the first n of m scores in place (the rest, padding, get weight 0).
template <typename T>
static void masked_softmax(T* s, int n, int m) {
  double mx = -std::numeric_limits<double>::infinity();
  for (int j = 0; j < n; ++j) mx = std::max(mx, static_cast<double>(s[j]));
  double sum = 0;
  for (int j = 0; j < n; ++j) sum += std::exp(static_cast<double>(s[j]) - mx);
  for (int j = 0; j < n; ++j) s[j] = static_cast<T>(std::exp(static_cast<double>(s[j]) - mx) / sum);
  for (int j = n; j < m; ++j) s[j] = T(0);
}

template <typename T>
double Seq2Seq<T>::forward(const Seq2SeqBatch& bt, bool dropout, Rng* rng, Seq2SeqWork<T>& w, bool keep_grad) const {
  const int V = cfg_.vocab_size, E = cfg_.embed_size, L = cfg_.num_layers;
  const int B = bt.B, Ts = bt.Ts, Td = bt.Td, hd = hd_, O = out_in();
  const bool lstm = cell_ == layers::Cell::kLstm, peeky = cfg_.decoder == "peeky",
             attention = cfg_.decoder == "attention";
  make_layers(w);
  w.B = B;
  w.Ts = Ts;
  w.Td = Td;
  w.dropped = dropout && cfg_.dropout > 0;
  RNNGEN_CHECK(!w.dropped || rng != nullptr);
  w.len.assign(bt.src_len, bt.src_len + B);
  w.src_tm.assign(static_cast<size_t>(Ts) * B, 0);
  for (int b = 0; b < B; ++b) {
    const int n = w.len[b];
    RNNGEN_CHECK(n >= 1 && n <= Ts);
    for (int t = 0; t < n; ++t)
      w.src_tm[static_cast<size_t>(t) * B + b] = bt.src[static_cast<size_t>(b) * Ts + (cfg_.reverse_source ? n - 1 - t : t)];
  }
  run_encoder(w, rng);

  // Decoder input: [peek, embedding] per token with peeky, else the embedding. Layer 0 gathers
  // Emb W_ih^T rows for the embedding part when it can, and adds the peek part, the same at
  // every step, as a per-row term.
  const size_t N = static_cast<size_t>(Td) * B;
  const int din = E + (peeky ? hd : 0), GHd = layers::gate_count(cell_) * hd, off = peeky ? hd : 0;
  const T* peek = w.fin_h[L - 1].data();
  w.dec_tm.resize(N);
  for (int t = 0; t < Td; ++t)
    for (int b = 0; b < B; ++b) w.dec_tm[static_cast<size_t>(t) * B + b] = bt.dec_in[static_cast<size_t>(b) * Td + t];
  w.dec_tab = static_cast<size_t>(V) <= N;
  const T* x = nullptr;
  const T* w_ih0 = params_.data() + dec_off_[0].w_ih;
  if (w.dec_tab) {
    w.dec_table.resize(static_cast<size_t>(V) * GHd);
    ops::gemm(false, true, V, GHd, E, T(1), params_.data() + dec_emb_, E, w_ih0 + off, din, T(0), w.dec_table.data(), GHd);
    if (peeky) {
      w.dec_row_bias.resize(static_cast<size_t>(B) * GHd);
      ops::gemm(false, true, B, GHd, hd, T(1), peek, hd, w_ih0, din, T(0), w.dec_row_bias.data(), GHd);
    }
  } else {
    w.dec_x0.resize(N * din);
    for (size_t r = 0; r < N; ++r) {
      T* row = w.dec_x0.data() + r * din;
      if (peeky) std::memcpy(row, peek + (r % B) * hd, hd * sizeof(T));
      std::memcpy(row + off, params_.data() + dec_emb_ + static_cast<size_t>(w.dec_tm[r]) * E, E * sizeof(T));
    }
    x = w.dec_x0.data();
  }
  for (int l = 0; l < L; ++l) {
    w.dec[l].set_lengths(nullptr, B);
    const T* h0 = w.fin_h[l].data();
    const T* c0 = lstm ? w.fin_c[l].data() : nullptr;
    if (l == 0 && w.dec_tab) {
      w.dec[0].set_row_bias(peeky ? w.dec_row_bias.data() : nullptr);
      w.dec[0].forward_table(weights(dec_off_[0]), Td, B, w.dec_tm.data(), w.dec_table.data(), V, h0, c0);
    } else {
      w.dec[l].set_row_bias(nullptr);
      w.dec[l].forward(weights(dec_off_[l]), Td, B, x, nullptr, h0, c0);
    }
    x = w.dec[l].output();
    if (w.dropped) {
      layers::dropout_draw_mask(N * hd, cfg_.dropout, *rng, w.dec_mask[l]);
      w.dec_drop[l].resize(N * hd);
      layers::dropout_apply(N * hd, w.dec_mask[l].data(), x, w.dec_drop[l].data());
      x = w.dec_drop[l].data();
    }
  }
  w.dec_top = x;

  const T* out_x = x;
  if (!(peeky || attention)) {
    w.out_in.clear();
  } else {
    w.out_in.resize(N * O);
    T* oi = w.out_in.data();
    for (size_t r = 0; r < N; ++r) std::memcpy(oi + r * O + hd, x + r * hd, hd * sizeof(T));
    if (peeky) {
      for (size_t r = 0; r < N; ++r) std::memcpy(oi + r * O, peek + (r % B) * hd, hd * sizeof(T));
    } else {
      w.attn.resize(static_cast<size_t>(B) * Td * Ts);
      const int ld = B * hd;
      for (int b = 0; b < B; ++b) {
        T* a = w.attn.data() + static_cast<size_t>(b) * Td * Ts;
        const T* eb = w.enc_top + static_cast<size_t>(b) * hd;
        ops::gemm(false, true, Td, Ts, hd, T(1), x + static_cast<size_t>(b) * hd, ld, eb, ld, T(0), a, Ts);
        for (int t = 0; t < Td; ++t) masked_softmax(a + static_cast<size_t>(t) * Ts, w.len[b], Ts);
        ops::gemm(false, false, Td, hd, Ts, T(1), a, Ts, eb, ld, T(0), oi + static_cast<size_t>(b) * O, B * O);
      }
    }
    out_x = w.out_in.data();
  }
  w.logits.resize(N * V);
  layers::linear_forward(static_cast<int>(N), O, V, out_x, params_.data() + out_w_, params_.data() + out_b_, w.logits.data());

  w.counted = 0;
  if (!bt.targets) return 0.0;
  w.tgt_tm.resize(N);
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < Td; ++t) {
      const int32_t y = bt.targets[static_cast<size_t>(b) * Td + t];
      w.tgt_tm[static_cast<size_t>(t) * B + b] = y;
      w.counted += y >= 0;
    }
  T* dl = nullptr;
  if (keep_grad) {
    w.dlogits.resize(N * V);
    dl = w.dlogits.data();
  }
  return layers::softmax_ce(static_cast<int>(N), V, w.logits.data(), w.tgt_tm.data(), T(1), dl);
}

template <typename T>
void Seq2Seq<T>::backward(T scale) {
  Seq2SeqWork<T>& w = work_;
  const int V = cfg_.vocab_size, E = cfg_.embed_size, H = cfg_.hidden_size, L = cfg_.num_layers;
  const int B = w.B, Ts = w.Ts, Td = w.Td, hd = hd_, O = out_in();
  const bool lstm = cell_ == layers::Cell::kLstm, peeky = cfg_.decoder == "peeky",
             attention = cfg_.decoder == "attention";
  const size_t N = static_cast<size_t>(Td) * B, Ns = static_cast<size_t>(Ts) * B;
  RNNGEN_CHECK(w.dlogits.size() >= N * V);
  for (size_t k = 0; k < N * V; ++k) w.dlogits[k] *= scale;
  T* g = grads();

  const T* out_x = (peeky || attention) ? w.out_in.data() : w.dec_top;
  d_out_in_.resize(N * O);
  layers::linear_backward(static_cast<int>(N), O, V, out_x, params_.data() + out_w_, w.dlogits.data(), g + out_w_,
                          g + out_b_, d_out_in_.data());

  const int din = E + (peeky ? hd : 0);
  const size_t width = static_cast<size_t>(std::max({hd, din, E}));
  d_a_.resize(std::max(N, Ns) * width);
  d_b_.resize(std::max(N, Ns) * width);
  T* d_top = d_a_.data();  // gradient at the top decoder output [N, hd]
  d_peek_.assign(static_cast<size_t>(B) * hd, T(0));
  if (!(peeky || attention)) {
    std::memcpy(d_top, d_out_in_.data(), N * hd * sizeof(T));
  } else {
    for (size_t r = 0; r < N; ++r) std::memcpy(d_top + r * hd, d_out_in_.data() + r * O + hd, hd * sizeof(T));
    if (peeky)
      for (size_t r = 0; r < N; ++r) {
        T* dp = d_peek_.data() + (r % B) * hd;
        const T* src = d_out_in_.data() + r * O;
        for (int k = 0; k < hd; ++k) dp[k] += src[k];
      }
  }
  if (attention) {
    d_enc_top_.assign(Ns * hd, T(0));
    std::vector<T> dA(static_cast<size_t>(Td) * Ts);
    const int ld = B * hd;
    for (int b = 0; b < B; ++b) {
      const T* a = w.attn.data() + static_cast<size_t>(b) * Td * Ts;
      const T* dc = d_out_in_.data() + static_cast<size_t>(b) * O;  // d context, rows t*B+b
      const T* eb = w.enc_top + static_cast<size_t>(b) * hd;
      const T* db = w.dec_top + static_cast<size_t>(b) * hd;
      T* deb = d_enc_top_.data() + static_cast<size_t>(b) * hd;
      ops::gemm(false, true, Td, Ts, hd, T(1), dc, B * O, eb, ld, T(0), dA.data(), Ts);
      ops::gemm(true, false, Ts, hd, Td, T(1), a, Ts, dc, B * O, T(1), deb, ld);
      for (int t = 0; t < Td; ++t) {  // through the softmax: dS = A * (dA - sum(A * dA))
        T* da = dA.data() + static_cast<size_t>(t) * Ts;
        const T* at = a + static_cast<size_t>(t) * Ts;
        double dot = 0;
        for (int j = 0; j < Ts; ++j) dot += static_cast<double>(at[j]) * da[j];
        for (int j = 0; j < Ts; ++j) da[j] = at[j] * (da[j] - static_cast<T>(dot));
      }
      ops::gemm(false, false, Td, hd, Ts, T(1), dA.data(), Ts, eb, ld, T(1), d_top + static_cast<size_t>(b) * hd, ld);
      ops::gemm(true, false, Ts, hd, Td, T(1), dA.data(), Ts, db, ld, T(1), deb, ld);
    }
  }

  // Decoder layers, top down; their initial-state gradients are the encoder's final-state ones.
  dh_fin_.assign(static_cast<size_t>(L) * B * hd, T(0));
  dc_fin_.assign(lstm ? static_cast<size_t>(L) * B * hd : 0, T(0));
  T* d_out = d_a_.data();
  T* d_in = d_b_.data();
  for (int l = L - 1; l >= 0; --l) {
    if (w.dropped) layers::dropout_apply(N * hd, w.dec_mask[l].data(), d_out, d_out);
    T* dh0 = dh_fin_.data() + static_cast<size_t>(l) * B * hd;
    T* dc0 = lstm ? dc_fin_.data() + static_cast<size_t>(l) * B * hd : nullptr;
    T* dx = l == 0 && w.dec_tab ? nullptr : d_in;
    w.dec[l].backward(weights(dec_off_[l]), grads_of(dec_off_[l]), d_out, nullptr, nullptr, dx, dh0, dc0);
    std::swap(d_out, d_in);
  }
  const int GHd = layers::gate_count(cell_) * hd, off = peeky ? hd : 0;
  const T* w_ih0 = params_.data() + dec_off_[0].w_ih;
  T* g_ih0 = g + dec_off_[0].w_ih;
  const T* peek = w.fin_h[L - 1].data();
  if (w.dec_tab) {
    // dtable [V, G*Hd]: dW_ih (embedding columns) += dtable^T Emb, dEmb += dtable W_ih.
    const T* dt = w.dec[0].dtable();
    ops::gemm(true, false, GHd, E, V, T(1), dt, GHd, params_.data() + dec_emb_, E, T(1), g_ih0 + off, din);
    ops::gemm(false, false, V, E, GHd, T(1), dt, GHd, w_ih0 + off, din, T(1), g + dec_emb_, E);
    if (peeky) {  // the per-row term's gradient is the gate gradients summed over steps
      w.d_row_bias.assign(static_cast<size_t>(B) * GHd, T(0));
      const T* dg = w.dec[0].dgates();
      for (int t = 0; t < Td; ++t)
        for (size_t k = 0; k < static_cast<size_t>(B) * GHd; ++k) w.d_row_bias[k] += dg[static_cast<size_t>(t) * B * GHd + k];
      ops::gemm(true, false, GHd, hd, B, T(1), w.d_row_bias.data(), GHd, peek, hd, T(1), g_ih0, din);
      ops::gemm(false, false, B, hd, GHd, T(1), w.d_row_bias.data(), GHd, w_ih0, din, T(1), d_peek_.data(), hd);
    }
  } else {
    // d_out now holds d(decoder input) [N, din].
    for (size_t r = 0; r < N; ++r) {
      const T* row = d_out + r * din;
      if (peeky) {
        T* dp = d_peek_.data() + (r % B) * hd;
        for (int k = 0; k < hd; ++k) dp[k] += row[k];
      }
      T* ge = g + dec_emb_ + static_cast<size_t>(w.dec_tm[r]) * E;
      const T* de = row + off;
      for (int k = 0; k < E; ++k) ge[k] += de[k];
    }
  }
  if (peeky) {
    T* dh = dh_fin_.data() + static_cast<size_t>(L - 1) * B * hd;
    for (size_t k = 0; k < static_cast<size_t>(B) * hd; ++k) dh[k] += d_peek_[k];
  }

  // Encoder layers, top down. dy of the top layer comes from attention (or is zero).
  const T* dy = attention ? d_enc_top_.data() : nullptr;
  d_split_.resize(2 * Ns * H);
  d_dir_x_.resize(Ns * width);
  dh0_.resize(2 * static_cast<size_t>(B) * H);
  dc0_.resize(2 * static_cast<size_t>(B) * H);
  T* dx = d_in;  // [Ns, in_l]
  for (int l = L - 1; l >= 0; --l) {
    const int in = l == 0 ? E : hd;
    T* dxl = l == 0 && w.enc_tab ? nullptr : dx;
    const T* dhf = dh_fin_.data() + static_cast<size_t>(l) * B * hd;
    const T* dcf = lstm ? dc_fin_.data() + static_cast<size_t>(l) * B * hd : nullptr;
    if (dirs_ == 1) {
      w.enc[l].backward(weights(enc_off_[l]), grads_of(enc_off_[l]), dy, dhf, dcf, dxl, nullptr, nullptr);
    } else {
      T* dyf = d_split_.data();
      T* dyb = d_split_.data() + Ns * H;
      if (dy)
        for (size_t r = 0; r < Ns; ++r) {
          std::memcpy(dyf + r * H, dy + r * hd, H * sizeof(T));
          std::memcpy(dyb + r * H, dy + r * hd + H, H * sizeof(T));
        }
      T* hf = dh0_.data();
      T* hb = dh0_.data() + static_cast<size_t>(B) * H;
      T* cf = dc0_.data();
      T* cb = dc0_.data() + static_cast<size_t>(B) * H;
      for (int b = 0; b < B; ++b) {
        const size_t o = static_cast<size_t>(b) * H;
        std::memcpy(hf + o, dhf + 2 * o, H * sizeof(T));
        std::memcpy(hb + o, dhf + 2 * o + H, H * sizeof(T));
        if (lstm) {
          std::memcpy(cf + o, dcf + 2 * o, H * sizeof(T));
          std::memcpy(cb + o, dcf + 2 * o + H, H * sizeof(T));
        }
      }
      w.enc[2 * l].backward(weights(enc_off_[2 * l]), grads_of(enc_off_[2 * l]), dy ? dyf : nullptr, hf,
                            lstm ? cf : nullptr, dxl, nullptr, nullptr);
      w.enc[2 * l + 1].backward(weights(enc_off_[2 * l + 1]), grads_of(enc_off_[2 * l + 1]), dy ? dyb : nullptr, hb,
                                lstm ? cb : nullptr, dxl ? d_dir_x_.data() : nullptr, nullptr, nullptr);
      if (dxl)
        for (size_t k = 0; k < Ns * in; ++k) dx[k] += d_dir_x_[k];
    }
    if (l > 0) {
      if (w.dropped) layers::dropout_apply(Ns * hd, w.enc_mask[l - 1].data(), dx, dx);
      dy = dx;
      dx = dx == d_a_.data() ? d_b_.data() : d_a_.data();
    }
  }
  if (w.enc_tab) {  // as for the decoder: dW_ih += dtable^T Emb, dEmb += dtable W_ih, per direction
    const int GH = layers::gate_count(cell_) * H;
    for (int d = 0; d < dirs_; ++d) {
      const T* dt = w.enc[d].dtable();
      ops::gemm(true, false, GH, E, V, T(1), dt, GH, params_.data() + enc_emb_, E, T(1), g + enc_off_[d].w_ih, E);
      ops::gemm(false, false, V, E, GH, T(1), dt, GH, params_.data() + enc_off_[d].w_ih, E, T(1), g + enc_emb_, E);
    }
  } else {
    layers::embedding_backward(static_cast<int>(Ns), E, w.src_tm.data(), dx, g + enc_emb_);
  }
}

template <typename T>
void Seq2Seq<T>::encode(const std::vector<std::vector<int32_t>>& sources, DecodeState<T>& st,
                        Seq2SeqWork<T>& w) const {
  const int n = static_cast<int>(sources.size()), L = cfg_.num_layers, hd = hd_;
  RNNGEN_CHECK(n > 0);
  int Ts = 0;
  for (const auto& s : sources) Ts = std::max(Ts, static_cast<int>(s.size()));
  RNNGEN_CHECK(Ts > 0);
  make_layers(w);
  w.B = n;
  w.Ts = Ts;
  w.dropped = false;
  w.len.resize(n);
  w.src_tm.assign(static_cast<size_t>(Ts) * n, 0);
  for (int b = 0; b < n; ++b) {
    const auto& s = sources[b];
    const int m = static_cast<int>(s.size());
    RNNGEN_CHECK(m >= 1);
    w.len[b] = m;
    for (int t = 0; t < m; ++t) w.src_tm[static_cast<size_t>(t) * n + b] = s[cfg_.reverse_source ? m - 1 - t : t];
  }
  run_encoder(w, nullptr);
  const size_t nh = static_cast<size_t>(n) * hd;
  st.n = n;
  st.Ts = Ts;
  st.len = w.len;
  st.h.resize(L * nh);
  st.c.resize(cell_ == layers::Cell::kLstm ? L * nh : 0);
  for (int l = 0; l < L; ++l) {
    std::memcpy(st.h.data() + l * nh, w.fin_h[l].data(), nh * sizeof(T));
    if (!st.c.empty()) std::memcpy(st.c.data() + l * nh, w.fin_c[l].data(), nh * sizeof(T));
  }
  st.peek.assign(w.fin_h[L - 1].begin(), w.fin_h[L - 1].begin() + nh);
  const int V = cfg_.vocab_size, E = cfg_.embed_size, GHd = layers::gate_count(cell_) * hd;
  const bool peeky = cfg_.decoder == "peeky";
  const int din = E + (peeky ? hd : 0), off = peeky ? hd : 0;
  const T* w_ih0 = params_.data() + dec_off_[0].w_ih;
  st.table.resize(static_cast<size_t>(V) * GHd);
  ops::gemm(false, true, V, GHd, E, T(1), params_.data() + dec_emb_, E, w_ih0 + off, din, T(0), st.table.data(), GHd);
  st.row_bias.clear();
  if (peeky) {
    st.row_bias.resize(static_cast<size_t>(n) * GHd);
    ops::gemm(false, true, n, GHd, hd, T(1), st.peek.data(), hd, w_ih0, din, T(0), st.row_bias.data(), GHd);
  }
  if (cfg_.decoder == "attention") st.enc_top.assign(w.enc_top, w.enc_top + static_cast<size_t>(Ts) * nh);
  else st.enc_top.clear();
}

template <typename T>
void Seq2Seq<T>::step(DecodeState<T>& st, const int32_t* tokens, std::vector<T>& logp, std::vector<T>* attn,
                      Seq2SeqWork<T>& w) const {
  const int n = st.n, V = cfg_.vocab_size, L = cfg_.num_layers, hd = hd_, O = out_in();
  const bool lstm = cell_ == layers::Cell::kLstm, peeky = cfg_.decoder == "peeky",
             attention = cfg_.decoder == "attention";
  make_layers(w);
  const size_t nh = static_cast<size_t>(n) * hd;
  for (int b = 0; b < n; ++b) RNNGEN_CHECK(tokens[b] >= 0 && tokens[b] < V);
  const T* x = nullptr;
  for (int l = 0; l < L; ++l) {
    layers::Recurrent<T>& r = w.dec[l];
    r.set_lengths(nullptr, n);
    T* h = st.h.data() + l * nh;
    T* c = lstm ? st.c.data() + l * nh : nullptr;
    if (l == 0) {
      r.set_row_bias(peeky ? st.row_bias.data() : nullptr);
      r.forward_table(weights(dec_off_[0]), 1, n, tokens, st.table.data(), V, h, c);
    } else {
      r.set_row_bias(nullptr);
      r.forward(weights(dec_off_[l]), 1, n, x, nullptr, h, c);
    }
    std::memcpy(h, r.final_h(), nh * sizeof(T));
    if (lstm) std::memcpy(c, r.final_c(), nh * sizeof(T));
    x = r.output();
  }
  const T* out_x = x;
  if (peeky || attention) {
    w.out_in.resize(static_cast<size_t>(n) * O);
    T* oi = w.out_in.data();
    for (int b = 0; b < n; ++b) std::memcpy(oi + static_cast<size_t>(b) * O + hd, x + static_cast<size_t>(b) * hd, hd * sizeof(T));
    if (peeky) {
      for (int b = 0; b < n; ++b) std::memcpy(oi + static_cast<size_t>(b) * O, st.peek.data() + static_cast<size_t>(b) * hd, hd * sizeof(T));
    } else {
      const int Ts = st.Ts;
      if (attn) attn->assign(static_cast<size_t>(n) * Ts, T(0));
      std::vector<T> a(Ts);
      for (int b = 0; b < n; ++b) {
        const T* q = x + static_cast<size_t>(b) * hd;
        for (int j = 0; j < Ts; ++j) {
          const T* e = st.enc_top.data() + (static_cast<size_t>(j) * n + b) * hd;
          double s = 0;
          for (int k = 0; k < hd; ++k) s += static_cast<double>(q[k]) * e[k];
          a[j] = static_cast<T>(s);
        }
        masked_softmax(a.data(), st.len[b], Ts);
        T* ctx = oi + static_cast<size_t>(b) * O;
        std::fill(ctx, ctx + hd, T(0));
        for (int j = 0; j < st.len[b]; ++j) {
          const T* e = st.enc_top.data() + (static_cast<size_t>(j) * n + b) * hd;
          for (int k = 0; k < hd; ++k) ctx[k] += a[j] * e[k];
        }
        if (attn) std::copy(a.begin(), a.end(), attn->begin() + static_cast<size_t>(b) * Ts);
      }
    }
    out_x = w.out_in.data();
  }
  logp.resize(static_cast<size_t>(n) * V);
  layers::linear_forward(n, O, V, out_x, params_.data() + out_w_, params_.data() + out_b_, logp.data());
  for (int b = 0; b < n; ++b) {  // log-softmax
    T* z = logp.data() + static_cast<size_t>(b) * V;
    double mx = z[0];
    for (int v = 1; v < V; ++v) mx = std::max(mx, static_cast<double>(z[v]));
    double sum = 0;
    for (int v = 0; v < V; ++v) sum += std::exp(static_cast<double>(z[v]) - mx);
    const double lse = mx + std::log(sum);
    for (int v = 0; v < V; ++v) z[v] = static_cast<T>(static_cast<double>(z[v]) - lse);
  }
}

template <typename T>
void Seq2Seq<T>::reorder(DecodeState<T>& st, const std::vector<int>& from) const {
  const int n = static_cast<int>(from.size()), L = cfg_.num_layers, hd = hd_;
  const size_t nh_old = static_cast<size_t>(st.n) * hd, nh = static_cast<size_t>(n) * hd;
  auto gather = [&](std::vector<T>& v, int blocks, size_t old_stride) {
    if (v.empty()) return;
    std::vector<T> out(static_cast<size_t>(blocks) * nh);
    for (int k = 0; k < blocks; ++k)
      for (int i = 0; i < n; ++i)
        std::memcpy(out.data() + k * nh + static_cast<size_t>(i) * hd, v.data() + k * old_stride + static_cast<size_t>(from[i]) * hd,
                    hd * sizeof(T));
    v.swap(out);
  };
  gather(st.h, L, nh_old);
  gather(st.c, L, nh_old);
  gather(st.peek, 1, nh_old);
  gather(st.enc_top, st.Ts, nh_old);
  if (!st.row_bias.empty()) {  // rows of G*Hd
    const size_t g = st.row_bias.size() / static_cast<size_t>(st.n);
    std::vector<T> out(static_cast<size_t>(n) * g);
    for (int i = 0; i < n; ++i)
      std::memcpy(out.data() + i * g, st.row_bias.data() + static_cast<size_t>(from[i]) * g, g * sizeof(T));
    st.row_bias.swap(out);
  }
  std::vector<int32_t> len(n);
  for (int i = 0; i < n; ++i) len[i] = st.len[from[i]];
  st.len.swap(len);
  st.n = n;
}

template class Seq2Seq<float>;
template class Seq2Seq<double>;

}  // namespace rnngen::models
