// Token-at-a-time inference for RnnLm<float> (generation): the state stays in small buffers,
// nothing is allocated per token, and each token reads every weight once.
//
// Per layer the weights are packed once as one [G*H, in+H] matrix [W_ih | W_hh] (in the GEMV
// panels of ops/gemv.h) so that a step is one matrix-vector product over the concatenated
// [x, h] (a GEMM with the batch as M when batch > 1), then the fused gate kernel of
// layers/cells.h:
//   LSTM, RNN: pre = [W_ih | W_hh] [x; h] + b_ih + b_hh
//   GRU:       r, z rows as above; the n rows in two parts, W_in x + b_in and W_hn h + b_hn
//              (reading disjoint columns of the same packed rows), since n = tanh(xn + r * hn)
// Layer 0's input projection is a gather where it can be: one-hot input (embed_size 0) packs
// only W_hh and adds row id of W_ih^T [V, G*H] to the bias; so does an embedding whose table
// Emb W_ih^T [V, G*H] is at most twice W_ih's size (folds_embedding: char vocabularies), where
// the step then reads one row of it instead of all of W_ih (a quarter of the bytes per token
// of a 512-wide 2-layer char LSTM, and of the FLOPs at batch > 1). Any other embedding copies
// the token's row into x and multiplies [W_ih | W_hh] as for the layers above. The gathered
// table stays fp32 in every weight format (one row a token: 8 KB for G*H = 2048).
// The decoder is one more matrix-vector product against [V, H].
//
// Weights are copied at construction (or repack()): after the model's parameters change,
// call repack(). With WeightFormat::kBf16 the packed matrices are stored as bf16 (half the
// bytes per token) and widened to fp32 in registers; biases, state and sums stay fp32. At
// batch > 1 the step is a GEMM, compute- rather than memory-bound: with exact batching (the
// server's) the panels' batched kernel (ops/gemv_batch.h, every row bitwise as at batch 1),
// otherwise SGEMM on an fp32 W^T copy made on first use (for bf16, of the rounded values). With
// WeightFormat::kInt8 every packed matrix is int8 with a scale per row and each step's inputs
// are quantised per row (ops/int8_gemm.h): a quarter of fp32's bytes at batch 1, integer GEMMs
// at batch > 1, and the same results at every batch size.
//
// Results equal RnnLm::forward over the same tokens up to float rounding (the sums run in a
// different order); tests/models/lm_step_test.cc holds them to that, and exact batching to
// batch 1's bits.
#pragma once
#include <cstdint>
#include <vector>

#include "models/rnnlm.h"
#include "ops/gemv.h"
#include "ops/int8_gemm.h"
#include "ops/packed_gemm.h"

namespace rnngen::models {

enum class WeightFormat { kF32, kBf16, kInt8 };
WeightFormat parse_weight_format(const std::string& name);  // "fp32" | "bf16" | "int8"

// Whether layer 0's input projection is gathered from Emb W_ih^T [V, G*H] (see above).
bool folds_embedding(const ModelConfig& c);

// Weights one generation step multiplies: every layer's [W_ih | W_hh] (W_hh only for a layer 0
// whose input projection is gathered) and the decoder.
struct StepWeights {
  int64_t recurrent = 0, decoder = 0;
};
StepWeights step_weight_counts(const ModelConfig& c);

class LmStepper {
 public:
  explicit LmStepper(const RnnLm<float>& net, WeightFormat fmt = WeightFormat::kF32);
  void repack();  // copy the model's current parameters into the packed weights

  // Zero state for `batch` streams, or the state s ([L, B, H], as RnnLm's).
  void reset(int batch);
  void set_state(const LmState<float>& s, int batch);
  void get_state(LmState<float>& s) const;

  // Feeds ids[0..batch) and returns the logits [batch, V] (valid until the next step).
  const float* step(const int32_t* ids);

  int batch() const { return B_; }

  // Continuous batching (issue 19): with exact batching on, batch > 1 multiplies with
  // ops::gemv_batch_acc instead of an SGEMM, so every row's logits are bitwise what that row
  // alone gives at batch 1 (the int8 path already is), and rows may join and leave between
  // steps: resize_rows keeps rows [0, min(old, new)) and zeroes new ones, zero_row zeroes row
  // b's state (a stream joining where one left), move_row copies a row's state over another's.
  void set_exact_batching(bool on);
  void resize_rows(int batch);
  void zero_row(int b);
  void move_row(int from, int to);
  // Bytes of weights one step reads (every packed matrix once, plus the embedding rows).
  size_t weight_bytes() const;

 private:
  template <typename M>
  struct Block;
  template <typename W>
  using PanelBlocks = std::vector<Block<ops::GemvPanels<W>>>;
  template <typename W>
  void run(const int32_t* ids, const std::vector<PanelBlocks<W>>& panels, const ops::GemvPanels<W>& dec);
  void alloc(int batch);

  const RnnLm<float>& net_;
  WeightFormat fmt_;
  bool exact_ = false;  // set_exact_batching
  layers::Cell cell_;
  int V_, E_, H_, L_, G_;
  bool fold0_ = false;                        // folds_embedding(config)
  size_t emb_offset_ = 0;                     // of embedding.weight in the parameters (embed_size > 0)
  std::vector<int> K_;                        // per layer: in + H (in = 0 for a gathered layer 0)
  std::vector<std::vector<float>> wt32_;      // batch > 1: per layer W^T [K, G*H], fp32
  std::vector<float> dect32_;                 // batch > 1: [H, V], fp32
  // The part of a layer's packed [G*H, K] matrix one product multiplies: rows r0..r0+nr,
  // columns c0..c0+nc (one block for LSTM and RNN; GRU's r,z rows, and its n rows' input and
  // hidden parts).
  template <typename M>
  struct Block {
    int r0, nr, c0, nc;
    M m;
  };
  // fp32 and bf16: per layer, the blocks as GEMV panels (ops/gemv.h), made in repack(); the
  // decoder [V, H] the same way.
  std::vector<PanelBlocks<float>> g32_;
  std::vector<PanelBlocks<uint16_t>> g16_;
  ops::GemvPanels<float> dec32_;
  ops::GemvPanels<uint16_t> dec16_;
  std::vector<std::vector<Block<ops::Int8Matrix>>> q8_;  // int8: per layer, made in repack()
  // batch > 1 on AVX-512 CPUs: the same blocks of wt32_ packed once for oneDNN, made on first
  // use; they point into wt32_ and are cleared with it.
  std::vector<std::vector<Block<ops::PackedGemm>>> p32_;
  ops::PackedGemm decp_;  // dect32_, packed when dect32_ is made
  ops::Int8Matrix dec8_;
  std::vector<std::vector<float>> bias_;      // per layer [G*H] (GRU: r,z summed; n: b_in)
  std::vector<std::vector<float>> bias_hn_;   // GRU: b_hn [H]
  std::vector<float> table0_;                 // gathered layer 0: W_ih^T or Emb W_ih^T [V, G*H]
  std::vector<float> dec_b_;                  // [V]

  int B_ = 0;
  std::vector<std::vector<float>> xh_;  // per layer [B, K]: input then previous h
  std::vector<std::vector<float>> c_;   // LSTM: per layer [B, H]
  std::vector<float> pre_, hg_, hn_, h_, c_new_, logits_;
  std::vector<uint8_t> xq_;  // int8: this step's quantised [x, h] rows (or h for the decoder)
  std::vector<float> sx_;    // and their scales
};

}  // namespace rnngen::models
