#include "ops/bf16_gemm.h"

#include <immintrin.h>

#include <atomic>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "ops/cpu.h"
#include "ops/gemv.h"
#include "ops/onednn.h"
#include "util/check.h"

// GCC 12's AVX-512 headers make their "undefined" vectors by self-initialisation, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593, fixed in GCC 13).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace rnngen::ops {

namespace {

std::atomic<bool> g_bf16{false};

RNNGEN_TARGET_AVX512_BF16 void round_row(int cols, const float* x, uint16_t* out) {
  int k = 0;
  for (; k + 16 <= cols; k += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + k)));
  if (k < cols) {
    const __mmask16 m = static_cast<__mmask16>((1u << (cols - k)) - 1);
    _mm256_mask_storeu_epi16(out + k, m, (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, x + k)));
  }
}

// One matmul per shape, layout and beta, made on first use, per thread.
struct Matmul {
  dnnl::stream stream;
  dnnl::matmul mm;
  dnnl::memory a, b, c;
};
using Key = std::tuple<bool, bool, int, int, int, int, bool>;  // ta, tb, m, n, k, ldc, beta != 0

}  // namespace

void set_bf16_gemms(bool on) {
  RNNGEN_CHECK(!on || avx512_bf16());
  g_bf16.store(on, std::memory_order_relaxed);
}
bool bf16_gemms() { return g_bf16.load(std::memory_order_relaxed); }

void round_to_bf16(int rows, int cols, const float* x, int ldx, uint16_t* out) {
  if (avx512_bf16()) {
    for (int r = 0; r < rows; ++r)
      round_row(cols, x + static_cast<size_t>(r) * ldx, out + static_cast<size_t>(r) * cols);
    return;
  }
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < cols; ++k) out[static_cast<size_t>(r) * cols + k] = to_bf16(x[static_cast<size_t>(r) * ldx + k]);
}

void gemm_bf16(bool ta, bool tb, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float beta,
               float* c, int ldc) {
  RNNGEN_CHECK(beta == 0.0f || beta == 1.0f);
  if (m == 0 || n == 0) return;
  thread_local std::map<Key, std::unique_ptr<Matmul>> cache;
  thread_local std::vector<uint16_t> abuf, bbuf;
  // The operands as stored (op() is in the descriptors' strides), made dense.
  const int a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
  abuf.resize(static_cast<size_t>(m) * k);
  bbuf.resize(static_cast<size_t>(k) * n);
  round_to_bf16(a_rows, a_cols, a, lda, abuf.data());
  round_to_bf16(b_rows, b_cols, b, ldb, bbuf.data());
  auto& e = cache[Key{ta, tb, m, n, k, ldc, beta != 0.0f}];
  if (!e) {
    using dnnl::memory;
    using dt = memory::data_type;
    e = std::make_unique<Matmul>();
    e->stream = dnnl::stream(cpu_engine());
    const memory::desc a_md({m, k}, dt::bf16, ta ? memory::dims{1, m} : memory::dims{k, 1});
    const memory::desc b_md({k, n}, dt::bf16, tb ? memory::dims{1, k} : memory::dims{n, 1});
    const memory::desc c_md({m, n}, dt::f32, memory::dims{ldc, 1});
    e->mm = dnnl::matmul(matmul_pd(a_md, b_md, c_md, beta != 0.0f));
    e->a = memory(a_md, cpu_engine(), nullptr);
    e->b = memory(b_md, cpu_engine(), nullptr);
    e->c = memory(c_md, cpu_engine(), nullptr);
  }
  e->a.set_data_handle(abuf.data());
  e->b.set_data_handle(bbuf.data());
  e->c.set_data_handle(c);
  e->mm.execute(e->stream, {{DNNL_ARG_SRC, e->a}, {DNNL_ARG_WEIGHTS, e->b}, {DNNL_ARG_DST, e->c}});
  e->stream.wait();
}

}  // namespace rnngen::ops
