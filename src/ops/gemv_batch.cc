#include "ops/gemv_batch.h"

#include <immintrin.h>

#include <algorithm>

#include "ops/cpu.h"
#include "ops/gemv_simd.h"
#include "ops/parallel.h"

namespace rnngen::ops {

namespace {

using namespace simd;

// The AVX-512 tile: 2 panels x 8 vectors (16 accumulators; per column 2 loads and 8
// broadcasts for 16 FMAs). Of 1 x 16, 2 x 8, 2 x 12, 3 x 8 and 4 x 6, 2 x 8 ran fastest on
// [2048 x 1024] and [2048 x 512] at B = 16, 1 and 2 threads (bench/gemv_batch_bench.cc, Zen 5).
constexpr int kP512 = 2, kS512 = 8, kS256 = 6;

// The B vectors of panels [p, p + P) in tiles of kS512 vectors and one of the rest.
template <int P, typename W>
RNNGEN_TARGET_AVX512 void vectors_avx512(const GemvPanels<W>& m, int p, int B, const float* x, size_t ldx,
                                         float* y, size_t ldy) {
  int j = 0;
  for (; j + kS512 <= B; j += kS512) tile_avx512<P, kS512>(m, p, x + j * ldx, ldx, y + j * ldy, ldy);
  x += j * ldx;
  y += j * ldy;
  switch (B - j) {
    case 0: break;
    case 1: tile_avx512<P, 1>(m, p, x, ldx, y, ldy); break;
    case 2: tile_avx512<P, 2>(m, p, x, ldx, y, ldy); break;
    case 3: tile_avx512<P, 3>(m, p, x, ldx, y, ldy); break;
    case 4: tile_avx512<P, 4>(m, p, x, ldx, y, ldy); break;
    case 5: tile_avx512<P, 5>(m, p, x, ldx, y, ldy); break;
    case 6: tile_avx512<P, 6>(m, p, x, ldx, y, ldy); break;
    default: tile_avx512<P, 7>(m, p, x, ldx, y, ldy); break;
  }
}

template <typename W>
void vectors_avx2(const GemvPanels<W>& m, int p, int B, const float* x, size_t ldx, float* y, size_t ldy) {
  int j = 0;
  for (; j + kS256 <= B; j += kS256) tile_avx2<1, kS256>(m, p, x + j * ldx, ldx, y + j * ldy, ldy);
  x += j * ldx;
  y += j * ldy;
  switch (B - j) {
    case 0: break;
    case 1: tile_avx2<1, 1>(m, p, x, ldx, y, ldy); break;
    case 2: tile_avx2<1, 2>(m, p, x, ldx, y, ldy); break;
    case 3: tile_avx2<1, 3>(m, p, x, ldx, y, ldy); break;
    case 4: tile_avx2<1, 4>(m, p, x, ldx, y, ldy); break;
    default: tile_avx2<1, 5>(m, p, x, ldx, y, ldy); break;
  }
}

template <typename W>
void panel_range(const GemvPanels<W>& m, int p0, int p1, int B, const float* x, size_t ldx, float* y,
                 size_t ldy) {
  if (avx512()) {
    int p = p0;
    for (; p + kP512 <= p1; p += kP512) vectors_avx512<kP512>(m, p, B, x, ldx, y, ldy);
    for (; p < p1; ++p) vectors_avx512<1>(m, p, B, x, ldx, y, ldy);
  } else {
    for (int p = p0; p < p1; ++p) vectors_avx2(m, p, B, x, ldx, y, ldy);
  }
}

// Split over the threads from this many multiply-adds (weights x vectors) on: the same bound
// in bytes as gemv_acc's at batch 1 (ops/gemv.cc), now that the work grows with B.
constexpr size_t kParallelMinMacs = size_t{9} << 18;

template <typename W>
void gemv_batch_any(const GemvPanels<W>& m, int B, const float* x, int ldx, float* y, int ldy) {
  if (m.rows <= 0 || B <= 0) return;
  // Threads take whole tiles of kP512 panels.
  const int tiles = (m.panels() + kP512 - 1) / kP512;
  const bool split = static_cast<size_t>(m.rows) * m.cols * B >= kParallelMinMacs;
  parallel_rows(tiles, split ? static_cast<size_t>(kP512) * kPanelRows * m.cols * B : 0, [&](int t0, int t1) {
    panel_range(m, t0 * kP512, std::min(m.panels(), t1 * kP512), B, x, static_cast<size_t>(ldx), y,
                static_cast<size_t>(ldy));
  });
}

}  // namespace

void gemv_batch_acc(const GemvPanels<float>& m, int B, const float* x, int ldx, float* y, int ldy) {
  gemv_batch_any(m, B, x, ldx, y, ldy);
}
void gemv_batch_acc(const GemvPanels<uint16_t>& m, int B, const float* x, int ldx, float* y, int ldy) {
  gemv_batch_any(m, B, x, ldx, y, ldy);
}

}  // namespace rnngen::ops
