#include "ops/gemv.h"

#include <immintrin.h>

#include <algorithm>

#include "ops/cpu.h"
#include "ops/gemv_simd.h"
#include "ops/gemm.h"
#include "ops/parallel.h"

// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace rnngen::ops {

namespace {

using namespace simd;  // load8, load16, hsum

// Rows [r0, r1): four rows at a time, two accumulators per row (8 FMA chains in flight).
template <typename W>
void gemv_rows(int r0, int r1, int cols, const W* w, size_t ldw, const float* x, float* y) {
  const int c16 = cols & ~15, c8 = cols & ~7;
  int r = r0;
  for (; r + 4 <= r1; r += 4) {
    const W* w0 = w + r * ldw;
    const W* w1 = w0 + ldw;
    const W* w2 = w1 + ldw;
    const W* w3 = w2 + ldw;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    int k = 0;
    // The next four rows, a line ahead per row: each row is a short stream (a few KB), too
    // short for the hardware prefetcher to ramp up on before the kernel moves on.
    const bool pf = r + 8 <= r1;
    constexpr int kLine = 64 / sizeof(W);  // elements per cache line
    for (; k < c16; k += 16) {
      if (pf && (k % kLine) == 0) {
        _mm_prefetch(reinterpret_cast<const char*>(w0 + 4 * ldw + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w1 + 4 * ldw + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w2 + 4 * ldw + k), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w3 + 4 * ldw + k), _MM_HINT_T0);
      }
      const __m256 x0 = _mm256_loadu_ps(x + k), x1 = _mm256_loadu_ps(x + k + 8);
      a0 = _mm256_fmadd_ps(load8(w0 + k), x0, a0);
      a1 = _mm256_fmadd_ps(load8(w1 + k), x0, a1);
      a2 = _mm256_fmadd_ps(load8(w2 + k), x0, a2);
      a3 = _mm256_fmadd_ps(load8(w3 + k), x0, a3);
      b0 = _mm256_fmadd_ps(load8(w0 + k + 8), x1, b0);
      b1 = _mm256_fmadd_ps(load8(w1 + k + 8), x1, b1);
      b2 = _mm256_fmadd_ps(load8(w2 + k + 8), x1, b2);
      b3 = _mm256_fmadd_ps(load8(w3 + k + 8), x1, b3);
    }
    for (; k < c8; k += 8) {
      const __m256 x0 = _mm256_loadu_ps(x + k);
      a0 = _mm256_fmadd_ps(load8(w0 + k), x0, a0);
      a1 = _mm256_fmadd_ps(load8(w1 + k), x0, a1);
      a2 = _mm256_fmadd_ps(load8(w2 + k), x0, a2);
      a3 = _mm256_fmadd_ps(load8(w3 + k), x0, a3);
    }
    float s0 = hsum(_mm256_add_ps(a0, b0)), s1 = hsum(_mm256_add_ps(a1, b1));
    float s2 = hsum(_mm256_add_ps(a2, b2)), s3 = hsum(_mm256_add_ps(a3, b3));
    for (; k < cols; ++k) {
      s0 += load1(w0 + k) * x[k];
      s1 += load1(w1 + k) * x[k];
      s2 += load1(w2 + k) * x[k];
      s3 += load1(w3 + k) * x[k];
    }
    y[r] += s0;
    y[r + 1] += s1;
    y[r + 2] += s2;
    y[r + 3] += s3;
  }
  for (; r < r1; ++r) {
    const W* w0 = w + r * ldw;
    __m256 a0 = _mm256_setzero_ps(), b0 = a0;
    int k = 0;
    for (; k < c16; k += 16) {
      a0 = _mm256_fmadd_ps(load8(w0 + k), _mm256_loadu_ps(x + k), a0);
      b0 = _mm256_fmadd_ps(load8(w0 + k + 8), _mm256_loadu_ps(x + k + 8), b0);
    }
    for (; k < c8; k += 8) a0 = _mm256_fmadd_ps(load8(w0 + k), _mm256_loadu_ps(x + k), a0);
    float s0 = hsum(_mm256_add_ps(a0, b0));
    for (; k < cols; ++k) s0 += load1(w0 + k) * x[k];
    y[r] += s0;
  }
}

// The same kernel on 16-wide vectors, for CPUs with AVX-512: half the instructions per weight
// byte, and the column tail as one masked load instead of scalar steps.
template <typename W>
RNNGEN_TARGET_AVX512 void gemv_rows_avx512(int r0, int r1, int cols, const W* w, size_t ldw, const float* x,
                                           float* y) {
  const int c32 = cols & ~31, c16 = cols & ~15;
  const __mmask16 tail = static_cast<__mmask16>((1u << (cols - c16)) - 1);
  constexpr int kLine = 64 / sizeof(W);  // elements per cache line
  int r = r0;
  for (; r + 4 <= r1; r += 4) {
    const W* w0 = w + r * ldw;
    const W* w1 = w0 + ldw;
    const W* w2 = w1 + ldw;
    const W* w3 = w2 + ldw;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    const bool pf = r + 8 <= r1;  // the next four rows, as the AVX2 kernel does
    int k = 0;
    for (; k < c32; k += 32) {
      if (pf) {
        for (int l = 0; l < 32; l += kLine) {
          _mm_prefetch(reinterpret_cast<const char*>(w0 + 4 * ldw + k + l), _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(w1 + 4 * ldw + k + l), _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(w2 + 4 * ldw + k + l), _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(w3 + 4 * ldw + k + l), _MM_HINT_T0);
        }
      }
      const __m512 x0 = _mm512_loadu_ps(x + k), x1 = _mm512_loadu_ps(x + k + 16);
      a0 = _mm512_fmadd_ps(load16(w0 + k), x0, a0);
      a1 = _mm512_fmadd_ps(load16(w1 + k), x0, a1);
      a2 = _mm512_fmadd_ps(load16(w2 + k), x0, a2);
      a3 = _mm512_fmadd_ps(load16(w3 + k), x0, a3);
      b0 = _mm512_fmadd_ps(load16(w0 + k + 16), x1, b0);
      b1 = _mm512_fmadd_ps(load16(w1 + k + 16), x1, b1);
      b2 = _mm512_fmadd_ps(load16(w2 + k + 16), x1, b2);
      b3 = _mm512_fmadd_ps(load16(w3 + k + 16), x1, b3);
    }
    if (k < c16) {
      const __m512 x0 = _mm512_loadu_ps(x + k);
      a0 = _mm512_fmadd_ps(load16(w0 + k), x0, a0);
      a1 = _mm512_fmadd_ps(load16(w1 + k), x0, a1);
      a2 = _mm512_fmadd_ps(load16(w2 + k), x0, a2);
      a3 = _mm512_fmadd_ps(load16(w3 + k), x0, a3);
      k += 16;
    }
    if (tail) {
      const __m512 x0 = _mm512_maskz_loadu_ps(tail, x + k);
      b0 = _mm512_fmadd_ps(load16(w0 + k, tail), x0, b0);
      b1 = _mm512_fmadd_ps(load16(w1 + k, tail), x0, b1);
      b2 = _mm512_fmadd_ps(load16(w2 + k, tail), x0, b2);
      b3 = _mm512_fmadd_ps(load16(w3 + k, tail), x0, b3);
    }
    y[r] += hsum(_mm512_add_ps(a0, b0));
    y[r + 1] += hsum(_mm512_add_ps(a1, b1));
    y[r + 2] += hsum(_mm512_add_ps(a2, b2));
    y[r + 3] += hsum(_mm512_add_ps(a3, b3));
  }
  for (; r < r1; ++r) {
    const W* w0 = w + r * ldw;
    __m512 a0 = _mm512_setzero_ps();
    int k = 0;
    for (; k < c16; k += 16) a0 = _mm512_fmadd_ps(load16(w0 + k), _mm512_loadu_ps(x + k), a0);
    if (tail) a0 = _mm512_fmadd_ps(load16(w0 + k, tail), _mm512_maskz_loadu_ps(tail, x + k), a0);
    y[r] += hsum(a0);
  }
}

// A product over fewer weight bytes than this runs on one thread: between two products of a
// token the other thread has gone to sleep (the rnngen CLI runs libgomp with
// OMP_WAIT_POLICY=PASSIVE unless the user sets a policy, tools/rnngen/main.cc), and waking it
// costs more than half of such a product. Measured on Zen 5 (LSTM x 2, embedding 64, batch 1,
// rnngen bench, ms/token at 1 thread vs 2): splitting every product, H512 fp32 (products of
// 4.2 and 8.4 MB) 0.174 vs 0.188; with this bound, H512 0.163 vs 0.166 (none split), H768 fp32
// (9.4 and 18.9 MB) 0.571 vs 0.314, H1024 fp32 1.06 vs 0.53, H768 bf16 (4.7, 9.4 MB) 0.167 vs
// 0.164. (int8 has its own bound, ops/int8_gemm.cc.)
constexpr size_t kParallelMinBytes = size_t{9} << 20;

template <typename W>
void gemv_any(int rows, int cols, const W* w, int ldw, const float* x, float* y) {
  if (rows <= 0) return;
  const int blocks = (rows + 3) / 4;
  const bool wide = avx512();
  const bool split = static_cast<size_t>(rows) * cols * sizeof(W) >= kParallelMinBytes;
  parallel_rows(blocks, split ? static_cast<size_t>(4) * cols : 0, [&](int b0, int b1) {
    const int r0 = b0 * 4, r1 = std::min(rows, b1 * 4);
    if (wide) gemv_rows_avx512(r0, r1, cols, w, static_cast<size_t>(ldw), x, y);
    else gemv_rows(r0, r1, cols, w, static_cast<size_t>(ldw), x, y);
  });
}

}  // namespace

void gemv_acc(int rows, int cols, const float* w, int ldw, const float* x, float* y) {
  gemv_any(rows, cols, w, ldw, x, y);
}
void gemv_acc(int rows, int cols, const uint16_t* w, int ldw, const float* x, float* y) {
  gemv_any(rows, cols, w, ldw, x, y);
}


}  // namespace rnngen::ops
