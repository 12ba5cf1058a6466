// Matrix-vector products for generation: y[r] += sum_k W[r, k] x[k], one vector at a time
// (gemv_acc) or B at once (gemv_batch_acc, ops/gemv_batch.h).
//
// The weight is packed once into panels of 16 rows (GemvPanels): panel p holds, column by
// column, the 16 weights W[16p .. 16p+15, k], rows past the end zero. Every output is then
//   acc = 0;  for k = 0 .. cols-1:  acc = fma(W[r, k], x[k], acc);   y[r] += acc
// one chain of fused multiply-adds in column order, whatever the instruction set (the SIMD
// lanes are rows, so a wider vector changes how many rows run at once, not any sum), the batch
// size (a batched step broadcasts each stream's x[k] against the same panel columns: the
// micro-kernel of an SGEMM) or the thread count (threads take whole panels). gemv_chain_ref is
// that chain in scalar code: the bitwise oracle of both kernels. That is what lets a batched
// generation stream print byte for byte what `rnngen sample` prints, on AVX2 and AVX-512 alike.
//
// The weight may be fp32 or bf16 (the upper 16 bits of an fp32, rounded to nearest even;
// widened to fp32 in registers, accumulated in fp32). At batch 1 the speed is the memory
// bandwidth (every weight read once a token); at batch B the weights are read once for all B
// vectors and the cost moves to the FMAs.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace rnngen::ops {

inline uint16_t to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7f800000u) == 0x7f800000u) return static_cast<uint16_t>(u >> 16);  // inf / NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}
inline float from_bf16(uint16_t h) {
  const uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline float widen(float f) { return f; }
inline float widen(uint16_t h) { return from_bf16(h); }

inline constexpr int kPanelRows = 16;

// W [rows, cols] as panels of kPanelRows rows (see above); W = float or uint16_t (bf16).
template <typename W>
struct GemvPanels {
  int rows = 0, cols = 0;
  std::vector<W> data;  // [panels][cols][kPanelRows]

  int panels() const { return (rows + kPanelRows - 1) / kPanelRows; }
  const W* panel(int p) const { return data.data() + static_cast<size_t>(p) * cols * kPanelRows; }
  size_t bytes() const { return data.size() * sizeof(W); }
};

// Packs row-major W (leading dimension ldw); for bf16 the values are rounded to nearest even.
template <typename W>
GemvPanels<W> pack_panels(int rows, int cols, const float* w, int ldw) {
  GemvPanels<W> m;
  m.rows = rows;
  m.cols = cols;
  m.data.assign(static_cast<size_t>(m.panels()) * cols * kPanelRows, W{});
  for (int r = 0; r < rows; ++r) {
    W* dst = m.data.data() + static_cast<size_t>(r / kPanelRows) * cols * kPanelRows + r % kPanelRows;
    const float* src = w + static_cast<size_t>(r) * ldw;
    for (int k = 0; k < cols; ++k) {
      if constexpr (sizeof(W) == 2) dst[static_cast<size_t>(k) * kPanelRows] = to_bf16(src[k]);
      else dst[static_cast<size_t>(k) * kPanelRows] = src[k];
    }
  }
  return m;
}

// W[r, k] of a packed matrix.
template <typename W>
float panel_at(const GemvPanels<W>& m, int r, int k) {
  return widen(m.panel(r / kPanelRows)[static_cast<size_t>(k) * kPanelRows + r % kPanelRows]);
}

void gemv_acc(const GemvPanels<float>& m, const float* x, float* y);
void gemv_acc(const GemvPanels<uint16_t>& m, const float* x, float* y);

// The chain above in scalar code (std::fma is the same rounding as the vector FMA).
template <typename W>
void gemv_chain_ref(const GemvPanels<W>& m, const float* x, float* y) {
  for (int r = 0; r < m.rows; ++r) {
    float acc = 0.0f;
    for (int k = 0; k < m.cols; ++k) acc = std::fma(panel_at(m, r, k), x[k], acc);
    y[r] += acc;
  }
}

// The product in double, for checks that the kernels compute it at all (to float rounding).
template <typename W>
void gemv_ref(const GemvPanels<W>& m, const float* x, float* y) {
  for (int r = 0; r < m.rows; ++r) {
    double acc = 0;
    for (int k = 0; k < m.cols; ++k) acc += static_cast<double>(panel_at(m, r, k)) * x[k];
    y[r] += static_cast<float>(acc);
  }
}

}  // namespace rnngen::ops
