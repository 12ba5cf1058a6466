#include "ops/gemv_batch.h"

#include <immintrin.h>

#include <algorithm>

#include "ops/cpu.h"
#include "ops/gemv.h"
#include "ops/gemv_simd.h"
#include "ops/parallel.h"

// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which
// -Wmaybe-uninitialized (and, in the two-pass tiles, -Wuninitialized) reports at every inlined
// use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace rnngen::ops {

namespace {

using namespace simd;  // load8, load16, hsum

// R rows x S vectors, AVX2. Per (row, vector) this is gemv_rows of ops/gemv.cc: accumulator a
// takes columns [k, k+8) and b [k+8, k+16) of every 16, a the 8-column rest, then hsum(a + b)
// and the scalar tail added in column order. w: the first row; x, y: the first vector's.
template <int R, int S, typename W>
inline void tile_avx2(int cols, const W* w, size_t ldw, const float* x, size_t ldx, float* y, size_t ldy) {
  const int c16 = cols & ~15, c8 = cols & ~7;
  __m256 a[R][S], b[R][S];
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) a[i][j] = b[i][j] = _mm256_setzero_ps();
  int k = 0;
  for (; k < c16; k += 16) {
    __m256 x0[S], x1[S];
    for (int j = 0; j < S; ++j) {
      x0[j] = _mm256_loadu_ps(x + j * ldx + k);
      x1[j] = _mm256_loadu_ps(x + j * ldx + k + 8);
    }
    for (int i = 0; i < R; ++i) {
      const __m256 w0 = load8(w + i * ldw + k), w1 = load8(w + i * ldw + k + 8);
      for (int j = 0; j < S; ++j) {
        a[i][j] = _mm256_fmadd_ps(w0, x0[j], a[i][j]);
        b[i][j] = _mm256_fmadd_ps(w1, x1[j], b[i][j]);
      }
    }
  }
  for (; k < c8; k += 8)
    for (int i = 0; i < R; ++i) {
      const __m256 w0 = load8(w + i * ldw + k);
      for (int j = 0; j < S; ++j) a[i][j] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + j * ldx + k), a[i][j]);
    }
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) {
      float s = hsum(_mm256_add_ps(a[i][j], b[i][j]));
      for (int q = k; q < cols; ++q) s += load1(w + i * ldw + q) * x[j * ldx + q];
      y[j * ldy + i] += s;
    }
}

// R rows x S vectors, AVX-512, as gemv_rows_avx512 sums a row of a four-row group: a takes
// columns [k, k+16) and b [k+16, k+32) of every 32, a a 16-column rest, b the masked tail,
// then hsum(a + b). Only each lane's chain of FMAs and that final sum fix the bits, so a and
// b run as two passes over the columns (a, then b): one pass needs only R x S accumulators,
// which lets a tile be 4 rows x 4 vectors (16 accumulators + 8 operands) instead of the 2 x 4
// that both at once allowed. Every vector chunk loaded then feeds 4 rows, not 2: at B = 16
// the vectors (64 KB at 1024 columns) live in L2, not L1, and halving their reloads per FMA
// is what the tile is for.
template <int R, int S, typename W>
RNNGEN_TARGET_AVX512 inline void tile_pass_avx512(int cols, const W* w, size_t ldw, const float* x, size_t ldx,
                                                  float* y, size_t ldy) {
  const int c32 = cols & ~31, c16 = cols & ~15;
  const __mmask16 tail = static_cast<__mmask16>((1u << (cols - c16)) - 1);
  __m512 a[R][S];
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) a[i][j] = _mm512_setzero_ps();
  for (int k = 0; k < c32; k += 32) {
    __m512 xv[S];
    for (int j = 0; j < S; ++j) xv[j] = _mm512_loadu_ps(x + j * ldx + k);
    for (int i = 0; i < R; ++i) {
      const __m512 wv = load16(w + i * ldw + k);
      for (int j = 0; j < S; ++j) a[i][j] = _mm512_fmadd_ps(wv, xv[j], a[i][j]);
    }
  }
  if (c32 < c16)
    for (int i = 0; i < R; ++i) {
      const __m512 wv = load16(w + i * ldw + c32);
      for (int j = 0; j < S; ++j) a[i][j] = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x + j * ldx + c32), a[i][j]);
    }
  // The a sums wait in memory (L1) while the b pass has the registers.
  alignas(64) float sa[R][S][16];
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) {
      _mm512_store_ps(sa[i][j], a[i][j]);
      a[i][j] = _mm512_setzero_ps();
    }
  for (int k = 16; k < c32; k += 32) {
    __m512 xv[S];
    for (int j = 0; j < S; ++j) xv[j] = _mm512_loadu_ps(x + j * ldx + k);
    for (int i = 0; i < R; ++i) {
      const __m512 wv = load16(w + i * ldw + k);
      for (int j = 0; j < S; ++j) a[i][j] = _mm512_fmadd_ps(wv, xv[j], a[i][j]);
    }
  }
  if (tail)
    for (int i = 0; i < R; ++i) {
      const __m512 wv = load16(w + i * ldw + c16, tail);
      for (int j = 0; j < S; ++j)
        a[i][j] = _mm512_fmadd_ps(wv, _mm512_maskz_loadu_ps(tail, x + j * ldx + c16), a[i][j]);
    }
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) y[j * ldy + i] += hsum(_mm512_add_ps(_mm512_load_ps(sa[i][j]), a[i][j]));
}

// R rows x S vectors, AVX-512, the same sums with a and b in one pass: twice the FMA chains in
// flight, which a few vectors need (one vector has only R chains a pass); for the vectors
// left after the 4 x 4 tiles.
template <int R, int S, typename W>
RNNGEN_TARGET_AVX512 inline void tile4_avx512(int cols, const W* w, size_t ldw, const float* x, size_t ldx,
                                              float* y, size_t ldy) {
  const int c32 = cols & ~31, c16 = cols & ~15;
  const __mmask16 tail = static_cast<__mmask16>((1u << (cols - c16)) - 1);
  __m512 a[R][S], b[R][S];
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) a[i][j] = b[i][j] = _mm512_setzero_ps();
  int k = 0;
  for (; k < c32; k += 32) {
    __m512 x0[S], x1[S];
    for (int j = 0; j < S; ++j) {
      x0[j] = _mm512_loadu_ps(x + j * ldx + k);
      x1[j] = _mm512_loadu_ps(x + j * ldx + k + 16);
    }
    for (int i = 0; i < R; ++i) {
      const __m512 w0 = load16(w + i * ldw + k), w1 = load16(w + i * ldw + k + 16);
      for (int j = 0; j < S; ++j) {
        a[i][j] = _mm512_fmadd_ps(w0, x0[j], a[i][j]);
        b[i][j] = _mm512_fmadd_ps(w1, x1[j], b[i][j]);
      }
    }
  }
  if (k < c16) {
    for (int i = 0; i < R; ++i) {
      const __m512 w0 = load16(w + i * ldw + k);
      for (int j = 0; j < S; ++j) a[i][j] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + j * ldx + k), a[i][j]);
    }
    k += 16;
  }
  if (tail)
    for (int i = 0; i < R; ++i) {
      const __m512 w0 = load16(w + i * ldw + k, tail);
      for (int j = 0; j < S; ++j)
        b[i][j] = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(tail, x + j * ldx + k), b[i][j]);
    }
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < S; ++j) y[j * ldy + i] += hsum(_mm512_add_ps(a[i][j], b[i][j]));
}

// One row x S vectors, AVX-512, as gemv_rows_avx512 sums a row left over after the four-row
// groups (the matrix's last rows % 4): one accumulator, the masked tail into it.
template <int S, typename W>
RNNGEN_TARGET_AVX512 inline void tile1_avx512(int cols, const W* w, const float* x, size_t ldx, float* y,
                                              size_t ldy) {
  const int c16 = cols & ~15;
  const __mmask16 tail = static_cast<__mmask16>((1u << (cols - c16)) - 1);
  __m512 a[S];
  for (int j = 0; j < S; ++j) a[j] = _mm512_setzero_ps();
  int k = 0;
  for (; k < c16; k += 16) {
    const __m512 w0 = load16(w + k);
    for (int j = 0; j < S; ++j) a[j] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + j * ldx + k), a[j]);
  }
  if (tail) {
    const __m512 w0 = load16(w + k, tail);
    for (int j = 0; j < S; ++j) a[j] = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(tail, x + j * ldx + k), a[j]);
  }
  for (int j = 0; j < S; ++j) y[j * ldy] += hsum(a[j]);
}

// Rows [r0, r1) for all B vectors. A tile of rows is multiplied with every vector before the
// next tile, so its weights come from memory once and from L1 for the other vectors.
template <typename W>
void rows_avx2(int r0, int r1, int cols, const W* w, size_t ldw, int B, const float* x, size_t ldx, float* y,
               size_t ldy) {
  int r = r0;
  for (; r + 2 <= r1; r += 2) {
    const W* wr = w + r * ldw;
    int b = 0;
    for (; b + 2 <= B; b += 2) tile_avx2<2, 2>(cols, wr, ldw, x + b * ldx, ldx, y + b * ldy + r, ldy);
    for (; b < B; ++b) tile_avx2<2, 1>(cols, wr, ldw, x + b * ldx, ldx, y + b * ldy + r, ldy);
  }
  for (; r < r1; ++r) {
    const W* wr = w + r * ldw;
    int b = 0;
    for (; b + 4 <= B; b += 4) tile_avx2<1, 4>(cols, wr, ldw, x + b * ldx, ldx, y + b * ldy + r, ldy);
    for (; b < B; ++b) tile_avx2<1, 1>(cols, wr, ldw, x + b * ldx, ldx, y + b * ldy + r, ldy);
  }
}

// Four rows (one of gemv_rows_avx512's groups) x every vector, before the next four rows: the
// rows come from memory once and from L1 for the other vectors. Tiles of four vectors run in
// two passes (tile_pass_avx512); of 4 x 4, 4 x 5, 4 x 6, 8 x 2 and 8 x 3 tiles, 4 x 4 ran
// fastest at B = 4 and 16 on [2048 x 1024] and [2048 x 512] (bench/gemv_batch_bench.cc,
// 1 thread, Zen 5). A vector left over runs in one pass with both accumulator sets: two
// passes of 4 chains each ran bf16 at B = 1 at 0.7x the one pass of 8 (the same bench). bf16
// rows are widened in registers at every load: widening four rows into an fp32 copy first
// made bf16 slower at B = 4 and 16 too.
template <typename W>
RNNGEN_TARGET_AVX512 inline void rows4_avx512(int cols, const W* w, size_t ldw, int B, const float* x, size_t ldx,
                                              float* y, size_t ldy) {
  int b = 0;
  for (; b + 4 <= B; b += 4) tile_pass_avx512<4, 4>(cols, w, ldw, x + b * ldx, ldx, y + b * ldy, ldy);
  for (; b < B; ++b) tile4_avx512<4, 1>(cols, w, ldw, x + b * ldx, ldx, y + b * ldy, ldy);
}

template <typename W>
RNNGEN_TARGET_AVX512 void rows_avx512(int r0, int r1, int cols, const W* w, size_t ldw, int B, const float* x,
                                      size_t ldx, float* y, size_t ldy) {
  int r = r0;
  for (; r + 4 <= r1; r += 4) rows4_avx512(cols, w + r * ldw, ldw, B, x, ldx, y + r, ldy);
  for (; r < r1; ++r) {
    const W* wr = w + r * ldw;
    int b = 0;
    for (; b + 4 <= B; b += 4) tile1_avx512<4>(cols, wr, x + b * ldx, ldx, y + b * ldy + r, ldy);
    for (; b < B; ++b) tile1_avx512<1>(cols, wr, x + b * ldx, ldx, y + b * ldy + r, ldy);
  }
}

// Split over the threads from this many multiply-adds (weights x vectors) on: the same bound
// in bytes as gemv_acc's at batch 1 (ops/gemv.cc), now that the work grows with B.
constexpr size_t kParallelMinMacs = size_t{9} << 18;

template <typename W>
void gemv_batch_any(int rows, int cols, const W* w, int ldw, int B, const float* x, int ldx, float* y, int ldy) {
  if (rows <= 0 || B <= 0) return;
  // Rows go to threads in blocks of four, as in gemv_acc: the rows after the last full block
  // of four are the ones gemv_rows_avx512 sums with one accumulator.
  const int blocks = (rows + 3) / 4;
  const bool wide = avx512();
  const bool split = static_cast<size_t>(rows) * cols * B >= kParallelMinMacs;
  parallel_rows(blocks, split ? static_cast<size_t>(4) * cols * B : 0, [&](int b0, int b1) {
    const int r0 = b0 * 4, r1 = std::min(rows, b1 * 4);
    if (wide) rows_avx512(r0, r1, cols, w, static_cast<size_t>(ldw), B, x, ldx, y, ldy);
    else rows_avx2(r0, r1, cols, w, static_cast<size_t>(ldw), B, x, ldx, y, ldy);
  });
}

}  // namespace

void gemv_batch_acc(int rows, int cols, const float* w, int ldw, int B, const float* x, int ldx, float* y,
                    int ldy) {
  gemv_batch_any(rows, cols, w, ldw, B, x, ldx, y, ldy);
}
void gemv_batch_acc(int rows, int cols, const uint16_t* w, int ldw, int B, const float* x, int ldx, float* y,
                    int ldy) {
  gemv_batch_any(rows, cols, w, ldw, B, x, ldx, y, ldy);
}

}  // namespace rnngen::ops
