// bf16 GEMMs for `--precision bf16` training on CPUs with AVX512-BF16: both inputs rounded to
// bf16 (nearest even), products summed in fp32, by oneDNN's bf16 matmul, about twice the fp32
// rate on Zen 5 (docs/performance.md, section (d)). Weights, gradients, optimizer state and all
// work outside the GEMMs stay fp32: mixed precision, as PyTorch's CPU autocast to bf16 does it.
//
// The switch is process-wide: while it is on, ops::gemm on floats and ops::PackedGemm (packed
// after it is set) run in bf16. Only where ops::avx512_bf16().
#pragma once
#include <cstdint>

namespace rnngen::ops {

void set_bf16_gemms(bool on);
bool bf16_gemms();

// C = op(A) op(B) + beta C (beta 0 or 1), as ops::gemm with alpha 1, in bf16.
void gemm_bf16(bool trans_a, bool trans_b, int m, int n, int k, const float* a, int lda, const float* b,
               int ldb, float beta, float* c, int ldc);

// Rounds rows x cols of x (leading dimension ldx) to bf16 into out (dense, leading dimension cols).
void round_to_bf16(int rows, int cols, const float* x, int ldx, uint16_t* out);

}  // namespace rnngen::ops
