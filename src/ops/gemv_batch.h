// The matrix-vector product of ops/gemv.h for B vectors at once, reading each weight row once
// for all of them (continuous batching of generation streams, issue 19):
//   y[b*ldy + r] += sum_k W[r, k] x[b*ldx + k]     for b in [0, B), r in [0, rows)
// Each (row, vector) sum is computed with exactly the operations, in exactly the order, that
// gemv_acc uses for that row on the same instruction-set path, so row b of the result is
// bitwise what gemv_acc gives for vector b alone. That is what lets a batched generation
// stream print byte for byte what `rnngen sample` prints; an SGEMM sums in another order.
// Batch 1 at gemv_acc is memory-bound; here the weights are read once for B vectors and the
// cost moves to the FMAs (B x as many), so B streams cost far less than B steps.
// tests/ops/gemv_batch_test.cc holds it to gemv_acc bit for bit on both ISA paths.
#pragma once
#include <cstdint>

namespace rnngen::ops {

void gemv_batch_acc(int rows, int cols, const float* w, int ldw, int B, const float* x, int ldx, float* y,
                    int ldy);
void gemv_batch_acc(int rows, int cols, const uint16_t* w, int ldw, int B, const float* x, int ldx, float* y,
                    int ldy);

}  // namespace rnngen::ops
