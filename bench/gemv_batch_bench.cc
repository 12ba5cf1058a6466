// ops::gemv_batch_acc, the kernel of continuous batching (issue 19), on the LSTM 512 x 2 char
// model's two recurrent products ([2048 x 1024] and [2048 x 512]) at B = 1, 4 and 16 vectors,
// beside gemv_acc run once per vector (what B unbatched streams cost):
//   build/gemv_batch_bench [--benchmark_repetitions=5 --benchmark_report_aggregates_only=true]
// Counter "GFLOP/s": 2 x rows x cols x B per second. RNNGEN_THREADS sets the thread count
// (default 1); RNNGEN_MAX_ISA=avx2 takes the AVX2 path on an AVX-512 CPU. BM_FmaPeak is the
// cores' fp32 FMA ceiling the kernels are measured against (AVX-512 CPUs).
#include <benchmark/benchmark.h>

// GCC 12's own AVX-512 headers trip -Wuninitialized in _mm512_reduce_add_ps (bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ops/cpu.h"
#include "ops/gemm.h"
#include "ops/gemv.h"
#include "ops/gemv_batch.h"
#include "util/rng.h"

namespace {

using namespace rnngen;

void setup_threads() {
  const char* t = std::getenv("RNNGEN_THREADS");
  ops::set_num_threads(t ? std::atoi(t) : 1);
}

template <typename W>
ops::GemvPanels<W> weights(int rows, int cols) {
  Rng rng(1);
  std::vector<float> w(static_cast<size_t>(rows) * cols);
  for (float& v : w) v = static_cast<float>(rng.uniform(-0.05, 0.05));
  return ops::pack_panels<W>(rows, cols, w.data(), cols);
}

std::vector<float> vectors(size_t n) {
  Rng rng(2);
  std::vector<float> x(n);
  for (float& v : x) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  return x;
}

void flops(benchmark::State& st, double per_iter) {
  st.counters["GFLOP/s"] = benchmark::Counter(per_iter * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// One benchmark's operands from its args (rows, cols, B). y keeps accumulating (the kernels
// add); its values do not matter here.
template <typename W>
struct Operands {
  explicit Operands(const benchmark::State& st)
      : rows(static_cast<int>(st.range(0))), cols(static_cast<int>(st.range(1))), B(static_cast<int>(st.range(2))),
        w(weights<W>(rows, cols)), x(vectors(static_cast<size_t>(B) * cols)),
        y(static_cast<size_t>(B) * rows) {}
  int rows, cols, B;
  ops::GemvPanels<W> w;
  std::vector<float> x, y;
};

template <typename W>
void BM_GemvBatch(benchmark::State& st) {
  setup_threads();
  Operands<W> o(st);
  auto& [rows, cols, B, w, x, y] = o;
  for (auto _ : st) {
    ops::gemv_batch_acc(w, B, x.data(), cols, y.data(), rows);
    benchmark::DoNotOptimize(y.data());
  }
  flops(st, 2.0 * rows * cols * B);
}

// The same work as B batch-1 products: the unbatched server's cost.
template <typename W>
void BM_GemvEach(benchmark::State& st) {
  setup_threads();
  Operands<W> o(st);
  auto& [rows, cols, B, w, x, y] = o;
  for (auto _ : st) {
    for (int b = 0; b < B; ++b)
      ops::gemv_acc(w, x.data() + static_cast<size_t>(b) * cols, y.data() + static_cast<size_t>(b) * rows);
    benchmark::DoNotOptimize(y.data());
  }
  flops(st, 2.0 * rows * cols * B);
}

// 12 independent chains of 512-bit FMAs per thread: enough to cover the FMA latency on two
// pipes, nothing loaded from memory. Returns a sum so that nothing is optimised away.
__attribute__((target("avx512f"))) float fma_chains(int64_t n) {
  __m512 a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_ps(1.0f + 1e-3f * static_cast<float>(i));
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (int64_t k = 0; k < n; ++k)
    for (int i = 0; i < 12; ++i) a[i] = _mm512_fmadd_ps(a[i], m, c);
  __m512 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, a[i]);
  return _mm512_reduce_add_ps(s);
}

void BM_FmaPeak(benchmark::State& st) {
  if (!ops::avx512()) {
    st.SkipWithError("needs AVX-512");
    return;
  }
  setup_threads();
  const int threads = ops::num_threads();
  constexpr int64_t kRounds = 1 << 20;  // 12 x 2^20 FMAs of 16 lanes per thread
  float sink = 0;
  for (auto _ : st) {
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    sink += fma_chains(kRounds);
    benchmark::DoNotOptimize(sink);
  }
  flops(st, 2.0 * 16 * 12 * static_cast<double>(kRounds) * threads);
}

void shapes(benchmark::internal::Benchmark* b) {
  for (int cols : {1024, 512})
    for (int B : {1, 4, 8, 16}) b->Args({2048, cols, B});
  b->Args({65, 512, 16});  // the decoder
}

BENCHMARK(BM_GemvBatch<float>)->Apply(shapes);
BENCHMARK(BM_GemvBatch<uint16_t>)->Apply(shapes);
BENCHMARK(BM_GemvEach<float>)->Apply(shapes);
BENCHMARK(BM_GemvEach<uint16_t>)->Apply(shapes);
BENCHMARK(BM_FmaPeak)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
