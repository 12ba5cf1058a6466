// One direction of one recurrent layer over a whole window: the time loop around the cells.
//
// Shapes (time-major, so that each step's batch rows are contiguous for the GEMMs):
//   x: [T, B, D]  (or ids: [T, B], one-hot over D = input_size)
//   W_ih: [G*H, D]  W_hh: [G*H, H]  b_ih, b_hh: [G*H]      (PyTorch's layout, G gates)
//   h0, c0, hT, cT: [B, H]    y: [T, B, H]
// Forward does the input projection of the whole window as one GEMM, then per step one
// [B,H] x [H,G*H] GEMM and one fused pointwise kernel. Backward gathers the weight gradients
// with one GEMM over all timesteps. Buffers grow on first use and are reused afterwards.
//
// Token input (ids) never multiplies a one-hot matrix: the projection of token v is row v of
// a table [V, G*H], gathered per row (contiguous). For one-hot input the table is W_ih^T,
// made inside; forward_table takes a table from the caller (RnnLm passes Emb W_ih^T, which
// replaces the [T*B, E] x [E, G*H] GEMM by a [V, E] x [E, G*H] one when V < T*B). Backward
// then sums the gate gradients per token into dtable() [V, G*H]; for one-hot input it adds
// its transpose into the W_ih gradient, for forward_table that is left to the caller.
#pragma once
#include <cstdint>
#include <vector>

#include "layers/cells.h"
#include "ops/packed_gemm.h"

namespace rnngen::layers {

// With several threads, the time loops give each thread its own slice of the batch rows
// (whole loop, no per-step synchronisation) when every slice has at least this many rows.
// Results are the same either way; tests lower it to reach the split path on small batches.
void set_batch_split_min_rows(int rows);
int batch_split_min_rows();

template <typename T>
struct RecurrentWeights {
  const T* w_ih;
  const T* w_hh;
  const T* b_ih;
  const T* b_hh;
};

template <typename T>
struct RecurrentGrads {
  T* w_ih;
  T* w_hh;
  T* b_ih;
  T* b_hh;
};

template <typename T>
class Recurrent {
 public:
  Recurrent(Cell cell, int input_size, int hidden_size, bool reverse = false);

  // Give exactly one of x (dense) and ids (one-hot). x must stay alive until backward.
  // h0 / c0 may be null for a zero state (c0 is only read by LSTM).
  void forward(const RecurrentWeights<T>& w, int steps, int batch, const T* x,
               const int32_t* ids, const T* h0, const T* c0);

  // ids: [T,B] token ids < vocab; table: [vocab, G*H], the input projection of each token
  // without biases; it must stay alive until backward. backward then leaves W_ih's gradient
  // alone (dx must be null) and fills dtable().
  void forward_table(const RecurrentWeights<T>& w, int steps, int batch, const int32_t* ids,
                     const T* table, int vocab, const T* h0, const T* c0);
  const T* dtable() const { return dtable_.data(); }  // [vocab, G*H], after backward

  // Per-row lengths for the next forward (and its backward): row b's steps t >= lengths[b]
  // are padding. There the state is carried unchanged (output = previous state, as Keras's
  // masking does), so final_h()/final_c() hold each row's state after its last real step in
  // either direction (reverse starts at step lengths[b]-1), and no gradient passes through
  // a padded step's gates. null = every row has all `steps`. The values are copied.
  void set_lengths(const int32_t* lengths, int batch);

  // A per-row term [B, G*H] added to every step's input projection by the next forward (part
  // of W_ih x that is the same at every step: a seq2seq decoder's view of the encoder state).
  // It must stay alive until backward; after backward, dgates() summed over steps is its
  // gradient. null = none.
  void set_row_bias(const T* row_bias) { row_bias_ = row_bias; }
  // [T, B, G*H]: the gradient at the input projection, after backward.
  const T* dgates() const { return dgates_.data(); }

  // dy: [T,B,H] or null; dhT, dcT: [B,H] or null. Adds weight gradients into g; writes
  // dx [T,B,D] when dx is not null (dense input only) and dh0 / dc0 when not null.
  void backward(const RecurrentWeights<T>& w, const RecurrentGrads<T>& g, const T* dy,
                const T* dhT, const T* dcT, T* dx, T* dh0, T* dc0);

  const T* output() const { return hs_.data() + static_cast<size_t>(out_) * bh(); }  // [T,B,H]
  const T* final_h() const { return y(reverse_ ? 0 : steps_ - 1); }
  const T* final_c() const { return cell_ == Cell::kLstm ? c(reverse_ ? 0 : steps_ - 1) : nullptr; }

  Cell cell() const { return cell_; }
  int input_size() const { return input_; }
  int hidden_size() const { return hidden_; }
  bool reverse() const { return reverse_; }

 private:
  size_t bh() const { return static_cast<size_t>(batch_) * hidden_; }
  size_t bg() const { return static_cast<size_t>(batch_) * gates_ * hidden_; }
  // hs_ holds T+1 rows of [B,H]: the outputs in time order plus h0, placed so that the
  // state fed into step t is also one contiguous [T,B,H] block (for the dW_hh GEMM).
  T* y(int t) { return hs_.data() + (t + out_) * bh(); }
  const T* y(int t) const { return hs_.data() + (t + out_) * bh(); }
  const T* h_prev(int t) const { return hs_.data() + (t + prev_) * bh(); }
  T* c(int t) { return cs_.data() + (t + out_) * bh(); }
  const T* c(int t) const { return cs_.data() + (t + out_) * bh(); }
  const T* c_prev(int t) const { return cs_.data() + (t + prev_) * bh(); }

  Cell cell_;
  int input_, hidden_, gates_;
  bool reverse_;
  int out_, prev_;  // row offsets into hs_/cs_ (see above)

  void run_forward(const RecurrentWeights<T>& w, const T* h0, const T* c0);

  int steps_ = 0, batch_ = 0;
  const T* x_ = nullptr;
  const int32_t* ids_ = nullptr;
  const T* table_ = nullptr;  // [vocab_, G*H] with ids_
  int vocab_ = 0;
  bool own_table_ = false;    // table_ is wT_ (one-hot input)
  bool zero_h0_ = false;      // forward had no h0: its products with the initial state are skipped
  std::vector<int32_t> lengths_;  // [B] or empty (see set_lengths)
  const T* row_bias_ = nullptr;   // [B, G*H] or null (see set_row_bias)
  std::vector<T> dc_keep_;        // [B,H] backward scratch: dc of padded rows
  bool padded(int b, int t) const { return !lengths_.empty() && t >= lengths_[b]; }

  std::vector<T> gates_buf_;  // [T,B,G*H] activated gates
  std::vector<T> hs_, cs_;    // [(T+1),B,H]
  std::vector<T> hn_;         // GRU: [T,B,H] the n block of h W_hh^T + b_hh
  std::vector<T> hg_;         // GRU: [B,3H] step scratch
  std::vector<T> dgates_;     // [T,B,G*H] gradient at the input projection
  std::vector<T> dhgates_;    // GRU: [T,B,3H] gradient at h W_hh^T + b_hh
  std::vector<T> dh_, dc_, dh_step_;  // [B,H]
  std::vector<T> wT_;                 // one-hot input: W_ih^T [D, G*H]
  std::vector<T> whhT_;               // W_hh^T [H, G*H]
  ops::PackedGemm whh_fwd_, whh_bwd_;  // float on AVX-512: W_hh^T and W_hh packed for the steps
  std::vector<T> dtable_;             // [vocab, G*H]
  std::vector<T> colsum_;             // [G*H]
};

}  // namespace rnngen::layers
