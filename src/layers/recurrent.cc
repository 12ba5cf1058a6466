#include "layers/recurrent.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "ops/cpu.h"
#include "ops/gemm.h"
#include "ops/pointwise.h"
#include "util/check.h"

namespace rnngen::layers {

template <typename T>
Recurrent<T>::Recurrent(Cell cell, int input_size, int hidden_size, bool reverse)
    : cell_(cell),
      input_(input_size),
      hidden_(hidden_size),
      gates_(gate_count(cell)),
      reverse_(reverse),
      out_(reverse ? 0 : 1),
      prev_(reverse ? 1 : 0) {}

namespace {
// Below this many batch rows per thread the time loop stays on the calling thread (its GEMMs
// and kernels then use the threads themselves). Each thread of a split packs the whole W_hh
// for its own GEMMs, which costs more than the per-step synchronisation it saves when the
// slices are thin: `rnngen bench --threads 2`, Zen 5, split vs not: LSTM H256 B64 (32 rows
// each) +5% tokens/s; H512 B32 (16 each) -2%; H1024 B32 (16 each) -15%.
int g_min_rows_per_thread = 32;

// The packed per-step products: float only (double is the checking path, on BLAS), on CPUs where
// they were measured faster (AVX-512; RNNGEN_MAX_ISA=avx2 turns them off for an A/B run).
template <typename T>
bool use_packed() {
  return std::is_same_v<T, float> && ops::avx512();
}
}  // namespace

void set_batch_split_min_rows(int rows) { g_min_rows_per_thread = rows < 1 ? 1 : rows; }
int batch_split_min_rows() { return g_min_rows_per_thread; }

template <typename T>
static void grow(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

template <typename T>
void Recurrent<T>::set_lengths(const int32_t* lengths, int batch) {
  if (lengths) lengths_.assign(lengths, lengths + batch);
  else lengths_.clear();
}

template <typename T>
void Recurrent<T>::forward(const RecurrentWeights<T>& w, int steps, int batch, const T* x,
                           const int32_t* ids, const T* h0, const T* c0) {
  RNNGEN_CHECK((x == nullptr) != (ids == nullptr));
  RNNGEN_CHECK(steps > 0 && batch > 0);
  RNNGEN_CHECK(lengths_.empty() || lengths_.size() == static_cast<size_t>(batch));
  steps_ = steps;
  batch_ = batch;
  x_ = x;
  ids_ = ids;
  table_ = nullptr;
  own_table_ = false;
  if (ids) {
    // One-hot input: the projection of token v is column v of W_ih; gather from W_ih^T.
    const int GH = gates_ * hidden_;
    grow(wT_, static_cast<size_t>(input_) * GH);
    ops::transpose(GH, input_, w.w_ih, wT_.data());
    table_ = wT_.data();
    vocab_ = input_;
    own_table_ = true;
  }
  run_forward(w, h0, c0);
}

template <typename T>
void Recurrent<T>::forward_table(const RecurrentWeights<T>& w, int steps, int batch,
                                 const int32_t* ids, const T* table, int vocab, const T* h0,
                                 const T* c0) {
  RNNGEN_CHECK(ids != nullptr && table != nullptr && vocab > 0);
  RNNGEN_CHECK(steps > 0 && batch > 0);
  RNNGEN_CHECK(lengths_.empty() || lengths_.size() == static_cast<size_t>(batch));
  steps_ = steps;
  batch_ = batch;
  x_ = nullptr;
  ids_ = ids;
  table_ = table;
  vocab_ = vocab;
  own_table_ = false;
  run_forward(w, h0, c0);
}

template <typename T>
void Recurrent<T>::run_forward(const RecurrentWeights<T>& w, const T* h0, const T* c0) {
  const int steps = steps_, batch = batch_;
  const T* x = x_;
  const int32_t* ids = ids_;
  const int H = hidden_, G = gates_, GH = G * H;
  const size_t rows = static_cast<size_t>(steps) * batch;
  grow(gates_buf_, rows * GH);
  grow(hs_, (steps + 1) * bh());
  const bool lstm = cell_ == Cell::kLstm, gru = cell_ == Cell::kGru;
  if (lstm) grow(cs_, (steps + 1) * bh());
  if (gru) {
    grow(hn_, rows * H);
    grow(hg_, bg());
  }

  // The per-step product h [B,H] x W_hh^T: on AVX-512 CPUs oneDNN with W_hh packed once per
  // window (ops/packed_gemm.h); else OpenBLAS on W_hh^T [H, G*H], 20-45% faster there with the
  // weight as a plain (not transposed) operand (bench/gemm_bench, M = 32).
  const bool packed = use_packed<T>();
  const T* whhT = nullptr;
  if (packed) {
    if constexpr (std::is_same_v<T, float>) whh_fwd_.pack(true, H, GH, w.w_hh, H);
  } else {
    grow(whhT_, static_cast<size_t>(H) * GH);
    ops::transpose(GH, H, w.w_hh, whhT_.data());
    whhT = whhT_.data();
  }
  auto hh_gemm = [&](int nb, const T* hp, T* out) {  // out += hp W_hh^T
    if constexpr (std::is_same_v<T, float>)
      if (packed) return whh_fwd_.run(nb, hp, H, 1.0f, out, GH);
    ops::gemm(false, false, nb, GH, H, T(1), hp, H, whhT, GH, T(1), out, GH);
  };

  // Input projection of the whole window, with the biases that add before the nonlinearity
  // (GRU keeps b_hh inside r * (W_hn h + b_hn)).
  grow(colsum_, static_cast<size_t>(GH));
  T* bias = colsum_.data();
  for (int j = 0; j < GH; ++j) bias[j] = gru ? w.b_ih[j] : w.b_ih[j] + w.b_hh[j];
  T* xg = gates_buf_.data();
  if (x) {
    ops::broadcast_rows(static_cast<int>(rows), GH, bias, xg);
    ops::gemm(false, true, static_cast<int>(rows), GH, input_, T(1), x, input_, w.w_ih, input_,
              T(1), xg, GH);
  } else {
    ops::gather_rows(static_cast<int>(rows), GH, ids, table_, bias, xg);
  }
  if (row_bias_) {
    const size_t bg = static_cast<size_t>(batch) * GH;
    for (int t = 0; t < steps; ++t)
      for (size_t k = 0; k < bg; ++k) xg[t * bg + k] += row_bias_[k];
  }

  // Initial state sits where step 0 (or T-1 when reversed) reads its "previous" state.
  T* h_init = hs_.data() + (reverse_ ? steps : 0) * bh();
  zero_h0_ = h0 == nullptr;
  if (h0) std::memcpy(h_init, h0, bh() * sizeof(T));
  else std::fill(h_init, h_init + bh(), T(0));
  if (lstm) {
    T* c_init = cs_.data() + (reverse_ ? steps : 0) * bh();
    if (c0) std::memcpy(c_init, c0, bh() * sizeof(T));
    else std::fill(c_init, c_init + bh(), T(0));
  }

  // Batch rows are independent through time: each thread runs the whole loop over its rows.
  const size_t BH = bh(), BG = bg();
  ops::parallel_blocks(batch, g_min_rows_per_thread, [&](int b0, int b1) {
    const int nb = b1 - b0;
    const size_t rh = static_cast<size_t>(b0) * H, rg = static_cast<size_t>(b0) * GH;
    for (int k = 0; k < steps; ++k) {
      const int t = reverse_ ? steps - 1 - k : k;
      T* g = xg + static_cast<size_t>(t) * BG + rg;
      const T* hp = h_prev(t) + rh;
      T* yt = y(t) + rh;
      // A zero initial state adds nothing to the first step's gates: skip its product.
      const bool hh = k > 0 || !zero_h0_;
      switch (cell_) {
        case Cell::kLstm:
          if (hh) hh_gemm(nb, hp, g);
          lstm_step_forward(nb, H, g, c_prev(t) + rh, c(t) + rh, yt);
          break;
        case Cell::kGru: {
          T* hg = hg_.data() + rg;
          ops::broadcast_rows(nb, GH, w.b_hh, hg);
          if (hh) hh_gemm(nb, hp, hg);
          gru_step_forward(nb, H, g, hg, hp, hn_.data() + static_cast<size_t>(t) * BH + rh, yt);
          break;
        }
        case Cell::kRnnTanh:
        case Cell::kRnnRelu:
          if (hh) hh_gemm(nb, hp, g);
          rnn_step_forward(nb, H, cell_ == Cell::kRnnRelu, g);
          std::memcpy(yt, g, static_cast<size_t>(nb) * H * sizeof(T));
          break;
      }
      if (!lengths_.empty())  // padded rows carry the previous state through this step
        for (int b = b0; b < b1; ++b)
          if (padded(b, t)) {
            const size_t r = static_cast<size_t>(b - b0) * H;
            std::memcpy(yt + r, hp + r, H * sizeof(T));
            if (lstm) std::memcpy(c(t) + rh + r, c_prev(t) + rh + r, H * sizeof(T));
          }
    }
  });
}

template <typename T>
void Recurrent<T>::backward(const RecurrentWeights<T>& w, const RecurrentGrads<T>& g,
                            const T* dy, const T* dhT, const T* dcT, T* dx, T* dh0, T* dc0) {
  const int H = hidden_, G = gates_, GH = G * H, B = batch_, steps = steps_;
  const size_t rows = static_cast<size_t>(steps) * B;
  const bool lstm = cell_ == Cell::kLstm, gru = cell_ == Cell::kGru;
  grow(dgates_, rows * GH);
  if (gru) grow(dhgates_, rows * GH);
  grow(dh_, bh());
  grow(dh_step_, bh());
  if (lstm) grow(dc_, bh());
  if (lstm && !lengths_.empty()) grow(dc_keep_, bh());

  if (dhT) std::memcpy(dh_.data(), dhT, bh() * sizeof(T));
  else std::fill(dh_.begin(), dh_.begin() + bh(), T(0));
  if (lstm) {
    if (dcT) std::memcpy(dc_.data(), dcT, bh() * sizeof(T));
    else std::fill(dc_.begin(), dc_.begin() + bh(), T(0));
  }

  // dh [B,H] = dgates [B,G*H] x W_hh (+ dh for GRU), packed as in forward.
  const bool packed = use_packed<T>();
  if constexpr (std::is_same_v<T, float>)
    if (packed) whh_bwd_.pack(false, GH, H, w.w_hh, H);
  auto hh_gemm = [&](int nb, const T* dg, T beta, T* out) {  // out = dg W_hh + beta out
    if constexpr (std::is_same_v<T, float>)
      if (packed) return whh_bwd_.run(nb, dg, GH, beta, out, H);
    ops::gemm(false, false, nb, H, GH, T(1), dg, GH, w.w_hh, H, beta, out, H);
  };

  // As in forward, each thread runs the whole reverse loop over its own batch rows.
  const size_t BH = bh(), BG = bg();
  ops::parallel_blocks(B, g_min_rows_per_thread, [&](int b0, int b1) {
    const int nb = b1 - b0;
    const size_t rh = static_cast<size_t>(b0) * H, rg = static_cast<size_t>(b0) * GH;
    const size_t n = static_cast<size_t>(nb) * H;
    T* dh = dh_.data() + rh;  // gradient flowing into h from the step processed after this one
    T* dht = dh_step_.data() + rh;
    T* dc = lstm ? dc_.data() + rh : nullptr;
    for (int k = steps - 1; k >= 0; --k) {
      const int t = reverse_ ? steps - 1 - k : k;
      const size_t off = static_cast<size_t>(t) * BH + rh;
      for (size_t q = 0; q < n; ++q) dht[q] = dh[q] + (dy ? dy[off + q] : T(0));
      const T* act = gates_buf_.data() + static_cast<size_t>(t) * BG + rg;
      T* dgt = dgates_.data() + static_cast<size_t>(t) * BG + rg;
      // The first step's product only feeds dh0: skip it when nobody asked for dh0.
      const bool hh = k > 0 || dh0 != nullptr;
      // Padded rows: the gradient passes this step by unchanged, none reaches its gates.
      const bool any_pad = !lengths_.empty() &&
                           std::any_of(lengths_.begin() + b0, lengths_.begin() + b1, [&](int32_t l) { return t >= l; });
      if (any_pad && lstm)
        std::memcpy(dc_keep_.data() + rh, dc, n * sizeof(T));
      switch (cell_) {
        case Cell::kLstm:
          lstm_step_backward(nb, H, act, c_prev(t) + rh, c(t) + rh, dht, dc, dgt);
          if (hh) hh_gemm(nb, dgt, T(0), dh);
          break;
        case Cell::kGru: {
          T* dhg = dhgates_.data() + static_cast<size_t>(t) * BG + rg;
          gru_step_backward(nb, H, act, hn_.data() + off, h_prev(t) + rh, dht, dgt, dhg, dh);
          if (hh) hh_gemm(nb, dhg, T(1), dh);
          break;
        }
        case Cell::kRnnTanh:
        case Cell::kRnnRelu:
          rnn_step_backward(nb, H, cell_ == Cell::kRnnRelu, y(t) + rh, dht, dgt);
          if (hh) hh_gemm(nb, dgt, T(0), dh);
          break;
      }
      if (any_pad)
        for (int b = b0; b < b1; ++b) {
          if (!padded(b, t)) continue;
          const size_t r = static_cast<size_t>(b - b0) * H, rgb = static_cast<size_t>(b - b0) * GH;
          std::fill(dgt + rgb, dgt + rgb + GH, T(0));
          if (gru) {
            T* dhg = dhgates_.data() + static_cast<size_t>(t) * BG + rg;
            std::fill(dhg + rgb, dhg + rgb + GH, T(0));
          }
          std::memcpy(dh + r, dht + r, H * sizeof(T));
          if (lstm) std::memcpy(dc + r, dc_keep_.data() + rh + r, H * sizeof(T));
        }
    }
  });
  const T* dh = dh_.data();
  if (dh0) std::memcpy(dh0, dh, bh() * sizeof(T));
  if (dc0 && lstm) std::memcpy(dc0, dc_.data(), bh() * sizeof(T));

  // Weight gradients: one GEMM each over all timesteps.
  const T* dG = dgates_.data();
  const T* dHG = gru ? dhgates_.data() : dG;
  const T* hprev_all = hs_.data() + static_cast<size_t>(prev_) * bh();  // [T,B,H], aligned with dG
  const int R = static_cast<int>(rows);
  // A zero initial state's rows (the first block forward, the last reversed) add nothing.
  const int skip = zero_h0_ && !reverse_ ? B : 0, K = zero_h0_ ? R - B : R;
  if (K > 0)
    ops::gemm(true, false, GH, H, K, T(1), dHG + static_cast<size_t>(skip) * GH, GH,
              hprev_all + static_cast<size_t>(skip) * H, H, T(1), g.w_hh, H);
  if (gru) {
    ops::add_column_sums(R, GH, dHG, g.b_hh);
    ops::add_column_sums(R, GH, dG, g.b_ih);
  } else {  // dHG == dG: sum the columns once and add the same sums to both biases
    grow(colsum_, static_cast<size_t>(GH));
    std::fill(colsum_.begin(), colsum_.begin() + GH, T(0));
    ops::add_column_sums(R, GH, dG, colsum_.data());
    for (int j = 0; j < GH; ++j) {
      g.b_hh[j] += colsum_[j];
      g.b_ih[j] += colsum_[j];
    }
  }
  if (x_) {
    ops::gemm(true, false, GH, input_, R, T(1), dG, GH, x_, input_, T(1), g.w_ih, input_);
    if (dx) ops::gemm(false, false, R, input_, GH, T(1), dG, GH, w.w_ih, input_, T(0), dx, input_);
  } else {
    RNNGEN_CHECK(dx == nullptr);
    grow(dtable_, static_cast<size_t>(vocab_) * GH);
    std::fill(dtable_.begin(), dtable_.begin() + static_cast<size_t>(vocab_) * GH, T(0));
    ops::scatter_add_rows(R, GH, ids_, dG, dtable_.data());
    if (own_table_) {
      const T* dt = dtable_.data();
      for (int j = 0; j < GH; ++j)
        for (int v = 0; v < input_; ++v)
          g.w_ih[static_cast<size_t>(j) * input_ + v] += dt[static_cast<size_t>(v) * GH + j];
    }
  }
}

template class Recurrent<float>;
template class Recurrent<double>;

}  // namespace rnngen::layers
