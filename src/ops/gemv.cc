#include "ops/gemv.h"

#include <immintrin.h>

#include <algorithm>

#include "ops/cpu.h"
#include "ops/gemv_simd.h"
#include "ops/parallel.h"

// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace rnngen::ops {

namespace {

using namespace simd;

// Panels [p, p + P) at once: P x 16 rows, P chains per lane set in flight (enough to cover
// the FMA latency; the speed is the weights' stream from memory anyway).
template <int P, typename W>
RNNGEN_TARGET_AVX512 void panels_avx512(const GemvPanels<W>& m, int p, const float* x, float* y) {
  const W* w[P];
  __m512 a[P];
  for (int i = 0; i < P; ++i) {
    w[i] = m.panel(p + i);
    a[i] = _mm512_setzero_ps();
  }
  for (int k = 0; k < m.cols; ++k) {
    const __m512 xb = _mm512_set1_ps(x[k]);
    for (int i = 0; i < P; ++i) a[i] = _mm512_fmadd_ps(load16(w[i] + k * kPanelRows), xb, a[i]);
  }
  for (int i = 0; i < P; ++i) add_panel(a[i], m.rows, p + i, y);
}

template <int P, typename W>
void panels_avx2(const GemvPanels<W>& m, int p, const float* x, float* y) {
  const W* w[P];
  __m256 lo[P], hi[P];
  for (int i = 0; i < P; ++i) {
    w[i] = m.panel(p + i);
    lo[i] = hi[i] = _mm256_setzero_ps();
  }
  for (int k = 0; k < m.cols; ++k) {
    const __m256 xb = _mm256_set1_ps(x[k]);
    for (int i = 0; i < P; ++i) {
      lo[i] = _mm256_fmadd_ps(load8(w[i] + k * kPanelRows), xb, lo[i]);
      hi[i] = _mm256_fmadd_ps(load8(w[i] + k * kPanelRows + 8), xb, hi[i]);
    }
  }
  for (int i = 0; i < P; ++i) add_panel(lo[i], hi[i], m.rows, p + i, y);
}

constexpr int kGroup = 4;  // panels a call takes at once

template <typename W>
void panel_range(const GemvPanels<W>& m, int p0, int p1, const float* x, float* y) {
  const bool wide = avx512();
  int p = p0;
  for (; p + kGroup <= p1; p += kGroup) {
    if (wide) panels_avx512<kGroup>(m, p, x, y);
    else panels_avx2<kGroup>(m, p, x, y);
  }
  for (; p < p1; ++p) {
    if (wide) panels_avx512<1>(m, p, x, y);
    else panels_avx2<1>(m, p, x, y);
  }
}

// A product over fewer weight bytes than this runs on one thread: between two products of a
// token the other thread has gone to sleep (the rnngen CLI runs libgomp with
// OMP_WAIT_POLICY=PASSIVE unless the user sets a policy, tools/rnngen/main.cc), and waking it
// costs more than half of such a product. Measured on Zen 5 (LSTM x 2, embedding 64, batch 1,
// rnngen bench, ms/token at 1 thread vs 2): splitting every product, H512 fp32 (products of
// 4.2 and 8.4 MB) 0.174 vs 0.188; with this bound, H512 0.163 vs 0.166 (none split), H768 fp32
// (9.4 and 18.9 MB) 0.571 vs 0.314, H1024 fp32 1.06 vs 0.53, H768 bf16 (4.7, 9.4 MB) 0.167 vs
// 0.164 (measured with the row-major kernel the panels replaced). (int8 has its own bound,
// ops/int8_gemm.cc.)
constexpr size_t kParallelMinBytes = size_t{9} << 20;

template <typename W>
void gemv_any(const GemvPanels<W>& m, const float* x, float* y) {
  if (m.rows <= 0) return;
  const int groups = (m.panels() + kGroup - 1) / kGroup;
  const bool split = m.bytes() >= kParallelMinBytes;
  parallel_rows(groups, split ? static_cast<size_t>(kGroup) * kPanelRows * m.cols : 0, [&](int g0, int g1) {
    panel_range(m, g0 * kGroup, std::min(m.panels(), g1 * kGroup), x, y);
  });
}

}  // namespace

void gemv_acc(const GemvPanels<float>& m, const float* x, float* y) { gemv_any(m, x, y); }
void gemv_acc(const GemvPanels<uint16_t>& m, const float* x, float* y) { gemv_any(m, x, y); }

}  // namespace rnngen::ops
