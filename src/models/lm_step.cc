#include "models/lm_step.h"

#include <algorithm>
#include <cstring>

#include "layers/cells.h"
#include "ops/cpu.h"
#include "ops/gemm.h"
#include "ops/gemv.h"
#include "ops/gemv_batch.h"
#include "ops/pointwise.h"
#include "rnngen/error.h"
#include "util/check.h"

namespace rnngen::models {

namespace {

// The matrix of the block at rows r0.., columns c0.. of blocks, or nullptr.
template <typename Blocks>
auto find_block(Blocks& blocks, int r0, int nr, int c0, int nc) -> decltype(&blocks.front().m) {
  for (auto& b : blocks)
    if (b.r0 == r0 && b.nr == nr && b.c0 == c0 && b.nc == nc) return &b.m;
  return nullptr;
}

// out[(c0 + k) * ldo + r0 + r] = W[r, k] of a packed matrix (widened): its block of a W^T.
template <typename W>
void transpose_panels(const ops::GemvPanels<W>& m, int r0, int c0, int ldo, float* out) {
  for (int k = 0; k < m.cols; ++k)
    for (int r = 0; r < m.rows; ++r)
      out[static_cast<size_t>(c0 + k) * ldo + r0 + r] = ops::panel_at(m, r, k);
}

// A layer's W^T [K, G*H] from its blocks.
template <typename Blocks>
void transpose_blocks(const Blocks& blocks, int GH, float* out) {
  for (const auto& b : blocks) transpose_panels(b.m, b.r0, b.c0, GH, out);
}

}  // namespace

WeightFormat parse_weight_format(const std::string& name) {
  if (name == "fp32" || name == "f32") return WeightFormat::kF32;
  if (name == "bf16") return WeightFormat::kBf16;
  if (name == "int8") return WeightFormat::kInt8;
  throw InputError("--weights: unknown weight format '" + name + "' (expected fp32, bf16 or int8)");
}

bool folds_embedding(const ModelConfig& c) {
  // The table costs V x E x G*H multiply-adds to make (at load and at every repack) and
  // V / E times W_ih's memory; a char vocabulary is small, a word vocabulary is not.
  return c.embed_size > 0 && c.vocab_size <= 2 * c.embed_size;
}

StepWeights step_weight_counts(const ModelConfig& c) {
  const int64_t G = layers::gate_count(parse_cell(c.cell)), H = c.hidden_size;
  const int64_t in0 = folds_embedding(c) ? 0 : c.embed_size;
  StepWeights w;
  for (int l = 0; l < c.num_layers; ++l) w.recurrent += G * H * ((l == 0 ? in0 : H) + H);
  w.decoder = static_cast<int64_t>(c.vocab_size) * H;
  return w;
}

LmStepper::LmStepper(const RnnLm<float>& net, WeightFormat fmt)
    : net_(net), fmt_(fmt), cell_(parse_cell(net.config().cell)) {
  const ModelConfig& c = net.config();
  V_ = c.vocab_size;
  E_ = c.embed_size;
  H_ = c.hidden_size;
  L_ = c.num_layers;
  G_ = layers::gate_count(cell_);
  fold0_ = folds_embedding(c);
  for (int l = 0; l < L_; ++l) K_.push_back((l == 0 ? (fold0_ ? 0 : E_) : H_) + H_);
  repack();
}

void LmStepper::repack() {
  const float* p = net_.params();
  const ParamTable& t = net_.table();
  const int H = H_, GH = G_ * H;
  const bool gru = cell_ == layers::Cell::kGru;
  if (E_ > 0) emb_offset_ = t.at("embedding.weight").offset;
  g32_.assign(L_, {});
  g16_.assign(L_, {});
  wt32_.clear();
  dect32_.clear();
  p32_.clear();
  p32_.resize(L_);
  q8_.clear();
  q8_.resize(L_);
  bias_.assign(L_, {});
  bias_hn_.assign(L_, {});
  for (int l = 0; l < L_; ++l) {
    const std::string k = std::to_string(l);
    const float* wih = p + t.at("rnn.weight_ih_l" + k).offset;
    const float* whh = p + t.at("rnn.weight_hh_l" + k).offset;
    const float* bih = p + t.at("rnn.bias_ih_l" + k).offset;
    const float* bhh = p + t.at("rnn.bias_hh_l" + k).offset;
    const int K = K_[l], in = K - H;
    std::vector<float> w(static_cast<size_t>(GH) * K);
    for (int r = 0; r < GH; ++r) {
      float* row = w.data() + static_cast<size_t>(r) * K;
      if (in > 0) std::memcpy(row, wih + static_cast<size_t>(r) * in, in * sizeof(float));
      std::memcpy(row + in, whh + static_cast<size_t>(r) * H, H * sizeof(float));
    }
    bias_[l].resize(GH);
    for (int j = 0; j < GH; ++j)
      bias_[l][j] = (gru && j >= 2 * H) ? bih[j] : bih[j] + bhh[j];
    if (gru) bias_hn_[l].assign(bhh + 2 * H, bhh + 3 * H);
    if (l == 0 && E_ == 0) {  // one-hot: W_ih^T, gathered per token
      table0_.resize(static_cast<size_t>(V_) * GH);
      ops::transpose(GH, V_, wih, table0_.data());
    } else if (l == 0 && fold0_) {  // Emb W_ih^T, gathered per token
      table0_.resize(static_cast<size_t>(V_) * GH);
      ops::gemm(false, true, V_, GH, E_, 1.0f, p + t.at("embedding.weight").offset, E_, wih, E_, 0.0f,
                table0_.data(), GH);
    }
    // The blocks run() multiplies: LSTM and RNN one; GRU's r,z rows whole, its n rows' x and
    // h parts apart.
    auto blocks = [&](auto&& block) {
      if (gru) {
        block(0, 2 * H, 0, K);
        if (in > 0) block(2 * H, H, 0, in);
        block(2 * H, H, in, H);
      } else {
        block(0, GH, 0, K);
      }
    };
    const auto at = [&](int r0, int c0) { return w.data() + static_cast<size_t>(r0) * K + c0; };
    if (fmt_ == WeightFormat::kBf16)
      blocks([&](int r0, int nr, int c0, int nc) {
        g16_[l].push_back({r0, nr, c0, nc, ops::pack_panels<uint16_t>(nr, nc, at(r0, c0), K)});
      });
    else if (fmt_ == WeightFormat::kInt8)
      blocks([&](int r0, int nr, int c0, int nc) {
        q8_[l].push_back({r0, nr, c0, nc, ops::Int8Matrix(nr, nc, at(r0, c0), K)});
      });
    else
      blocks([&](int r0, int nr, int c0, int nc) {
        g32_[l].push_back({r0, nr, c0, nc, ops::pack_panels<float>(nr, nc, at(r0, c0), K)});
      });
  }
  const float* dw = p + t.at(net_.config().tie_weights ? "embedding.weight" : "decoder.weight").offset;
  dec32_ = {};
  dec16_ = {};
  dec8_ = {};
  if (fmt_ == WeightFormat::kBf16) dec16_ = ops::pack_panels<uint16_t>(V_, H, dw, H);
  else if (fmt_ == WeightFormat::kInt8) dec8_ = ops::Int8Matrix(V_, H_, dw, H_);
  else dec32_ = ops::pack_panels<float>(V_, H, dw, H);
  const float* db = p + t.at("decoder.bias").offset;
  dec_b_.assign(db, db + V_);
}

size_t LmStepper::weight_bytes() const {
  const size_t wsz = fmt_ == WeightFormat::kBf16 ? 2 : fmt_ == WeightFormat::kInt8 ? 1 : 4;
  const StepWeights n = step_weight_counts(net_.config());
  return static_cast<size_t>(n.recurrent + n.decoder) * wsz;
}

void LmStepper::alloc(int batch) {
  RNNGEN_CHECK(batch > 0);
  B_ = batch;
  const size_t BH = static_cast<size_t>(batch) * H_, BG = BH * G_;
  xh_.resize(L_);
  for (int l = 0; l < L_; ++l) xh_[l].assign(static_cast<size_t>(batch) * K_[l], 0.0f);
  c_.assign(cell_ == layers::Cell::kLstm ? L_ : 0, std::vector<float>(BH, 0.0f));
  pre_.assign(BG, 0.0f);
  hg_.assign(BG, 0.0f);
  hn_.assign(BH, 0.0f);
  h_.assign(BH, 0.0f);
  c_new_.assign(BH, 0.0f);
  logits_.assign(static_cast<size_t>(batch) * V_, 0.0f);
  if (fmt_ == WeightFormat::kInt8) {
    xq_.assign(static_cast<size_t>(batch) * *std::max_element(K_.begin(), K_.end()), 128);
    sx_.assign(batch, 0.0f);
  }
  // Batch > 1 runs SGEMM, which OpenBLAS does faster with the weight as a plain [K, G*H]
  // operand than as a transposed one (measured in docs/performance.md); made on first use.
  // bf16 weights are widened into the same fp32 copy once: the values are the bf16-rounded
  // ones either way, and widening blocks of rows before every SGEMM cost more than it saved
  // (batch 64 at 2 threads ran at 0.37x the fp32 speed on Zen 5, docs/performance.md).
  if (batch > 1 && !exact_ && wt32_.empty() && fmt_ != WeightFormat::kInt8) {
    const bool bf16 = fmt_ == WeightFormat::kBf16;
    const int GH = G_ * H_;
    wt32_.resize(L_);
    for (int l = 0; l < L_; ++l) {
      wt32_[l].resize(static_cast<size_t>(K_[l]) * GH);
      if (bf16) transpose_blocks(g16_[l], GH, wt32_[l].data());
      else transpose_blocks(g32_[l], GH, wt32_[l].data());
    }
    dect32_.resize(static_cast<size_t>(H_) * V_);
    if (bf16) transpose_panels(dec16_, 0, 0, V_, dect32_.data());
    else transpose_panels(dec32_, 0, 0, V_, dect32_.data());
    decp_.pack(false, H_, V_, dect32_.data(), V_);  // records the pointer; packs on first run
  }
  if (batch == 1) {
    wt32_.clear();
    dect32_.clear();
  }
  if (wt32_.empty()) p32_.clear();
  p32_.resize(L_);
}

void LmStepper::reset(int batch) { alloc(batch); }

void LmStepper::set_exact_batching(bool on) {
  exact_ = on;
  if (on) {  // the SGEMM copies are not used any more
    wt32_.clear();
    dect32_.clear();
    p32_.clear();
    p32_.resize(L_);
  }
}

void LmStepper::resize_rows(int batch) {
  RNNGEN_CHECK(exact_ && batch > 0);
  B_ = batch;
  const size_t BH = static_cast<size_t>(batch) * H_, BG = BH * G_;
  xh_.resize(L_);
  for (int l = 0; l < L_; ++l) xh_[l].resize(static_cast<size_t>(batch) * K_[l], 0.0f);
  c_.resize(cell_ == layers::Cell::kLstm ? L_ : 0);
  for (auto& c : c_) c.resize(BH, 0.0f);
  pre_.resize(BG);
  hg_.resize(BG);
  hn_.resize(BH);
  h_.resize(BH);
  c_new_.resize(BH);
  logits_.resize(static_cast<size_t>(batch) * V_);
  if (fmt_ == WeightFormat::kInt8) {
    xq_.resize(static_cast<size_t>(batch) * *std::max_element(K_.begin(), K_.end()), 128);
    sx_.resize(batch);
  }
  p32_.resize(L_);
}

void LmStepper::zero_row(int b) {
  RNNGEN_CHECK(b >= 0 && b < B_);
  for (int l = 0; l < L_; ++l) {
    float* h = xh_[l].data() + static_cast<size_t>(b) * K_[l] + (K_[l] - H_);
    std::fill(h, h + H_, 0.0f);
    if (!c_.empty()) std::fill_n(c_[l].data() + static_cast<size_t>(b) * H_, H_, 0.0f);
  }
}

void LmStepper::move_row(int from, int to) {
  RNNGEN_CHECK(from >= 0 && from < B_ && to >= 0 && to < B_);
  if (from == to) return;
  for (int l = 0; l < L_; ++l) {
    const size_t K = K_[l];
    std::memcpy(xh_[l].data() + to * K, xh_[l].data() + from * K, K * sizeof(float));
    if (!c_.empty())
      std::memcpy(c_[l].data() + static_cast<size_t>(to) * H_, c_[l].data() + static_cast<size_t>(from) * H_,
                  H_ * sizeof(float));
  }
}

void LmStepper::set_state(const LmState<float>& s, int batch) {
  alloc(batch);
  const size_t BH = static_cast<size_t>(batch) * H_;
  RNNGEN_CHECK(s.h.size() == L_ * BH);
  for (int l = 0; l < L_; ++l) {
    const int K = K_[l];
    for (int b = 0; b < batch; ++b) {
      std::memcpy(xh_[l].data() + static_cast<size_t>(b) * K + (K - H_),
                  s.h.data() + l * BH + static_cast<size_t>(b) * H_, H_ * sizeof(float));
    }
    if (!c_.empty()) std::memcpy(c_[l].data(), s.c.data() + l * BH, BH * sizeof(float));
  }
}

void LmStepper::get_state(LmState<float>& s) const {
  const size_t BH = static_cast<size_t>(B_) * H_;
  s.h.resize(L_ * BH);
  s.c.resize(c_.empty() ? 0 : L_ * BH);
  for (int l = 0; l < L_; ++l) {
    const int K = K_[l];
    for (int b = 0; b < B_; ++b)
      std::memcpy(s.h.data() + l * BH + static_cast<size_t>(b) * H_,
                  xh_[l].data() + static_cast<size_t>(b) * K + (K - H_), H_ * sizeof(float));
    if (!c_.empty()) std::memcpy(s.c.data() + l * BH, c_[l].data(), BH * sizeof(float));
  }
}

const float* LmStepper::step(const int32_t* ids) {
  RNNGEN_CHECK(B_ > 0);
  if (fmt_ == WeightFormat::kBf16) run(ids, g16_, dec16_);
  else run(ids, g32_, dec32_);  // int8 too: run() takes q8_ and dec8_ then
  return logits_.data();
}

template <typename W>
void LmStepper::run(const int32_t* ids, const std::vector<PanelBlocks<W>>& panels, const ops::GemvPanels<W>& dec) {
  for (int b = 0; b < B_; ++b) RNNGEN_CHECK(ids[b] >= 0 && ids[b] < V_);
  const int B = B_, H = H_, GH = G_ * H;
  const float* emb = E_ > 0 && !fold0_ ? net_.params() + emb_offset_ : nullptr;
  float* pre = pre_.data();
  float* h = h_.data();
  // Batch > 1 in fp32 (bf16 widened): oneDNN on weights packed once where that is faster than
  // OpenBLAS, which packs them again on every call (AVX-512 CPUs; ops/packed_gemm.h).
  const bool packed_gemm = ops::avx512();
  for (int l = 0; l < L_; ++l) {
    const int K = K_[l], in = K - H;
    float* xh = xh_[l].data();
    if (l == 0 && emb)
      for (int b = 0; b < B; ++b)
        std::memcpy(xh + static_cast<size_t>(b) * K, emb + static_cast<size_t>(ids[b]) * E_, E_ * sizeof(float));
    for (int b = 0; b < B; ++b) {
      float* pb = pre + static_cast<size_t>(b) * GH;
      std::memcpy(pb, bias_[l].data(), GH * sizeof(float));
      if (l == 0 && !emb) {  // gathered: one-hot or folded embedding
        const float* row = table0_.data() + static_cast<size_t>(ids[b]) * GH;
        for (int j = 0; j < GH; ++j) pb[j] += row[j];
      }
    }
    const float* wt = wt32_.empty() ? nullptr : wt32_[l].data();
    const bool int8 = fmt_ == WeightFormat::kInt8;
    uint8_t* xq = xq_.data();
    float* sx = sx_.data();
    if (int8) ops::quantize_rows_u8(B, K, xh, K, xq, K, sx);
    // y[:, r0:r0+nr] += x[:, c0:c0+nc] W[r0:r0+nr, c0:c0+nc]^T (x, y with leading dims K, GH).
    auto mm = [&](int r0, int nr, int c0, int nc, float* y) {
      if (int8) {
        const ops::Int8Matrix* q = find_block(q8_[l], r0, nr, c0, nc);
        RNNGEN_CHECK(q && "no int8 block for this product");
        q->gemm_acc(B, xq + c0, K, sx, y + r0, GH);
      } else if (B == 1 || exact_) {  // each row as at batch 1
        const ops::GemvPanels<W>* g = find_block(panels[l], r0, nr, c0, nc);
        RNNGEN_CHECK(g && "no panel block for this product");
        if (B == 1) ops::gemv_acc(*g, xh + c0, y + r0);
        else ops::gemv_batch_acc(*g, B, xh + c0, K, y + r0, GH);
      } else if (wt && packed_gemm) {
        ops::PackedGemm* p = find_block(p32_[l], r0, nr, c0, nc);
        if (!p) {
          p = &p32_[l].emplace_back(Block<ops::PackedGemm>{r0, nr, c0, nc, ops::PackedGemm()}).m;
          p->pack(false, nc, nr, wt + static_cast<size_t>(c0) * GH + r0, GH);
        }
        p->run(B, xh + c0, K, 1.0f, y + r0, GH);
      } else {
        RNNGEN_CHECK(wt);
        ops::gemm(false, false, B, nr, nc, 1.0f, xh + c0, K, wt + static_cast<size_t>(c0) * GH + r0, GH, 1.0f,
                  y + r0, GH);
      }
    };
    switch (cell_) {
      case layers::Cell::kLstm:
        mm(0, GH, 0, K, pre);
        layers::lstm_step_forward(B, H, pre, c_[l].data(), c_new_.data(), h);
        std::swap(c_[l], c_new_);
        break;
      case layers::Cell::kGru: {
        float* hg = hg_.data();
        for (int b = 0; b < B; ++b) {
          float* hb = hg + static_cast<size_t>(b) * GH;
          std::fill(hb, hb + 2 * H, 0.0f);
          std::memcpy(hb + 2 * H, bias_hn_[l].data(), H * sizeof(float));
        }
        mm(0, 2 * H, 0, K, pre);
        if (in > 0) mm(2 * H, H, 0, in, pre);
        mm(2 * H, H, in, H, hg);
        // h_prev for the kernel: the h part of xh, row stride K; the kernel wants [B,H].
        float* hp = c_new_.data();
        for (int b = 0; b < B; ++b)
          std::memcpy(hp + static_cast<size_t>(b) * H, xh + static_cast<size_t>(b) * K + in, H * sizeof(float));
        layers::gru_step_forward(B, H, pre, hg, hp, hn_.data(), h);
        break;
      }
      case layers::Cell::kRnnTanh:
      case layers::Cell::kRnnRelu:
        mm(0, GH, 0, K, pre);
        // Its fast kernel runs over the flat [B, H] span, where a row's vector/scalar split
        // could depend on B: row by row, exact batching is sure to get batch 1's bits.
        if (exact_)
          for (int b = 0; b < B; ++b)
            layers::rnn_step_forward(1, H, cell_ == layers::Cell::kRnnRelu, pre + static_cast<size_t>(b) * H);
        else
          layers::rnn_step_forward(B, H, cell_ == layers::Cell::kRnnRelu, pre);
        std::memcpy(h, pre, static_cast<size_t>(B) * H * sizeof(float));
        break;
    }
    // The new h is this layer's state and the next layer's input.
    for (int b = 0; b < B; ++b) {
      const float* hb = h + static_cast<size_t>(b) * H;
      std::memcpy(xh + static_cast<size_t>(b) * K + in, hb, H * sizeof(float));
      if (l + 1 < L_) std::memcpy(xh_[l + 1].data() + static_cast<size_t>(b) * K_[l + 1], hb, H * sizeof(float));
    }
  }
  float* lg = logits_.data();
  for (int b = 0; b < B; ++b) std::memcpy(lg + static_cast<size_t>(b) * V_, dec_b_.data(), V_ * sizeof(float));
  if (fmt_ == WeightFormat::kInt8) {
    ops::quantize_rows_u8(B, H, h, H, xq_.data(), H, sx_.data());
    dec8_.gemm_acc(B, xq_.data(), H, sx_.data(), lg, V_);
  } else if (B == 1) {
    ops::gemv_acc(dec, h, lg);
  } else if (exact_) {
    ops::gemv_batch_acc(dec, B, h, H, lg, V_);
  } else if (packed_gemm) {
    decp_.run(B, h, H, 1.0f, lg, V_);
  } else {
    ops::gemm(false, false, B, V_, H, 1.0f, h, H, dect32_.data(), V_, 1.0f, lg, V_);
  }
}

template void LmStepper::run<float>(const int32_t*, const std::vector<PanelBlocks<float>>&,
                                    const ops::GemvPanels<float>&);
template void LmStepper::run<uint16_t>(const int32_t*, const std::vector<PanelBlocks<uint16_t>>&,
                                       const ops::GemvPanels<uint16_t>&);

}  // namespace rnngen::models
