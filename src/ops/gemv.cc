#include "ops/gemv.h"

#include <immintrin.h>

#include <algorithm>

#include "ops/cpu.h"
#include "ops/gemv_simd.h"
#include "ops/parallel.h"

namespace rnngen::ops {

namespace {

using namespace simd;

// Panels a call takes at once: 4 chains per lane set in flight (enough to cover the FMA
// latency; the speed is the weights' stream from memory anyway).
constexpr int kGroup = 4;

template <typename W>
void panel_range(const GemvPanels<W>& m, int p0, int p1, const float* x, float* y) {
  const bool wide = avx512();
  int p = p0;
  for (; p + kGroup <= p1; p += kGroup) {
    if (wide) tile_avx512<kGroup, 1>(m, p, x, 0, y, 0);
    else tile_avx2<kGroup, 1>(m, p, x, 0, y, 0);
  }
  for (; p < p1; ++p) {
    if (wide) tile_avx512<1, 1>(m, p, x, 0, y, 0);
    else tile_avx2<1, 1>(m, p, x, 0, y, 0);
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
