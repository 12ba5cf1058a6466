// Int8 products for generation weights (`--weights int8`): a quarter of fp32's bytes per token
// at batch 1, and integer GEMMs (about twice the SGEMM rate on AVX2) at batch > 1.
//
// Weights: symmetric per row, q = round(w / s_r) with |q| <= 63, s_r = max_k |w[r, k]| / 63.
// Seven bits, not eight: AVX2 has no VNNI, and its vpmaddubsw adds two u8 * s8 products into a
// saturating int16; 255 * 63 * 2 = 32130 stays below 32767, so every sum is exact (the range
// oneDNN's documentation advises for CPUs without VNNI).
// Activations: quantised per row at every step, u8 with zero point 128: x_q = round(x / s_x) +
// 128 with s_x = max_k |x[k]| / 127, so x_q - 128 is in [-127, 127].
// Product: y[m, r] += float(sum_k (x_q[m, k] - 128) q[r, k]) * (s_x[m] * s_r); the integer sum
// is exact (int32), so the batch-1 kernel here and oneDNN's u8 x s8 matmul used at batch > 1
// give the same bits, and a stream's result does not depend on the batch it runs in.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace rnngen::ops {

// Quantises rows of x (leading dimension ldx) into q (leading dimension ldq), one scale per row.
// An all-zero row gets scale 0 (and codes 128).
void quantize_rows_u8(int rows, int cols, const float* x, int ldx, uint8_t* q, int ldq, float* scale);

class Int8Matrix {
 public:
  Int8Matrix();
  // Quantises W [rows, cols] (row-major, leading dimension ldw).
  Int8Matrix(int rows, int cols, const float* w, int ldw);
  Int8Matrix(Int8Matrix&&) noexcept;
  Int8Matrix& operator=(Int8Matrix&&) noexcept;
  ~Int8Matrix();

  // y[m, r] += float(sum_k (xq[m, k] - 128) q[r, k]) * (sx[m] * scale(r)) for m < batch,
  // r < rows; xq with leading dimension ldx, y with ldy. Batch 1 runs a GEMV here; larger
  // batches oneDNN's int8 matmul on weights reordered once per batch size. Not for concurrent
  // calls on one matrix: it keeps per-call buffers (as LmStepper, one per generating thread, does).
  void gemm_acc(int batch, const uint8_t* xq, int ldx, const float* sx, float* y, int ldy) const;

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int8_t q(int r, int k) const { return w_[static_cast<size_t>(r) * cols_ + k]; }
  float scale(int r) const { return scale_[r]; }
  size_t bytes() const { return w_.size() + scale_.size() * sizeof(float); }

 private:
  struct Dnnl;  // oneDNN objects, one set per batch size
  int rows_ = 0, cols_ = 0;
  std::vector<int8_t> w_;        // [rows, cols]
  std::vector<float> scale_;     // [rows]
  std::vector<int32_t> rowsum_;  // sum_k q[r, k]: removes the zero point, 128 * rowsum
  mutable std::vector<int32_t> dots1_;  // batch 1: the sums (no allocation per token)
  mutable std::map<std::pair<int, int>, std::unique_ptr<Dnnl>> dnnl_;  // by (batch, ldx)
};

// The exact integer sum of gemm_acc for one output, computed the slow way (tests).
int64_t int8_dot_ref(int cols, const uint8_t* xq, const int8_t* q);

}  // namespace rnngen::ops
