// Matrix-vector products for generation, where every weight is read once per token and the
// speed is the memory bandwidth: y[r] += sum_k W[r, k] x[k] over row-major W with leading
// dimension ldw. The weight may be fp32 or bf16 (the upper 16 bits of an fp32, rounded to
// nearest even; widened to fp32 in registers, accumulated in fp32). Rows are split over the
// OpenMP threads when the matrix is large; each row's sum is computed the same way whatever the
// split, so results do not depend on the thread count. AVX2+FMA (the build's floor), or
// AVX-512 where the CPU has it (ops/cpu.h): the sums in another order, so other last bits.
// gemv_ref is the scalar oracle (double accumulation).
#pragma once
#include <cstdint>
#include <cstring>

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

void gemv_acc(int rows, int cols, const float* w, int ldw, const float* x, float* y);
void gemv_acc(int rows, int cols, const uint16_t* w, int ldw, const float* x, float* y);


template <typename W>
void gemv_ref(int rows, int cols, const W* w, int ldw, const float* x, float* y) {
  for (int r = 0; r < rows; ++r) {
    double acc = 0;
    for (int k = 0; k < cols; ++k) {
      float wv;
      if constexpr (sizeof(W) == 2) wv = from_bf16(w[static_cast<size_t>(r) * ldw + k]);
      else wv = w[static_cast<size_t>(r) * ldw + k];
      acc += static_cast<double>(wv) * x[k];
    }
    y[r] += static_cast<float>(acc);
  }
}

}  // namespace rnngen::ops
