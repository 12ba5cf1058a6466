// The matrix-vector product of ops/gemv.h for B vectors at once, reading each weight panel
// once for all of them (continuous batching of generation streams, issue 19):
//   y[b*ldy + r] += sum_k W[r, k] x[b*ldx + k]     for b in [0, B), r in [0, rows)
// Every (row, vector) sum is gemv_acc's chain for that row (ops/gemv.h): the kernel is an
// SGEMM micro-kernel (a tile of panel rows x vectors of accumulators; per column, the panels'
// weights loaded once and each vector's x[k] broadcast against them), with the columns in
// order and no split of the sum, so row b of the result is bitwise what gemv_acc gives for
// vector b alone, on every instruction-set path and thread count.
// tests/ops/gemv_batch_test.cc holds both to gemv_chain_ref bit for bit.
#pragma once
#include <cstdint>

#include "ops/gemv.h"

namespace rnngen::ops {

void gemv_batch_acc(const GemvPanels<float>& m, int B, const float* x, int ldx, float* y, int ldy);
void gemv_batch_acc(const GemvPanels<uint16_t>& m, int B, const float* x, int ldx, float* y, int ldy);

}  // namespace rnngen::ops
