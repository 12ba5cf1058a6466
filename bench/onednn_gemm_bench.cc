// OpenBLAS cblas_sgemm against oneDNN's dnnl_sgemm on the shapes the layers issue (row-major,
// C = A op(B) + C). Counter GFLOPS per CPU-second. RNNGEN_THREADS sets the threads (default 1).
#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>

#include <cstdlib>
#include <vector>

#include "ops/gemm.h"

namespace {

template <bool kDnnl>
void BM_Gemm(benchmark::State& st) {
  const bool ta = st.range(0), tb = st.range(1);
  const int m = st.range(2), n = st.range(3), k = st.range(4);
  const char* t = std::getenv("RNNGEN_THREADS");
  rnngen::ops::set_num_threads(t ? std::atoi(t) : 1);
  std::vector<float> a(static_cast<size_t>(m) * k, 0.01f), b(static_cast<size_t>(k) * n, 0.02f),
      c(static_cast<size_t>(m) * n, 0.f);
  const int lda = ta ? m : k, ldb = tb ? k : n;
  for (auto _ : st) {
    if (kDnnl)
      dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, a.data(), lda, b.data(), ldb, 1.f,
                 c.data(), n);
    else
      rnngen::ops::gemm(ta, tb, m, n, k, 1.f, a.data(), lda, b.data(), ldb, 1.f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOPS"] = benchmark::Counter(2.0 * m * n * k * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

#define SHAPES                                                                          \
  ->ArgNames({"ta", "tb", "M", "N", "K"})                                               \
      ->Args({0, 0, 2048, 2048, 2048})                                                  \
      ->Args({0, 0, 32, 2048, 512})                                                     \
      ->Args({0, 0, 32, 512, 2048})                                                     \
      ->Args({1, 0, 2048, 512, 3200})                                                   \
      ->Args({0, 1, 3200, 2048, 512})                                                   \
      ->Args({0, 0, 32, 4096, 1024})                                                    \
      ->Args({0, 1, 700, 10000, 650})                                                   \
      ->Args({1, 0, 10000, 650, 700})                                                   \
      ->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_Gemm<false>) SHAPES;
BENCHMARK(BM_Gemm<true>) SHAPES;

}  // namespace

BENCHMARK_MAIN();
