// SGEMM throughput on the shapes the recurrent layers issue, beside a large square GEMM that
// stands for the machine's SGEMM peak, and the core's fp32 FMA peak (BM_FmaPeak: what no GEMM
// can exceed). Counter "GFLOPS" = 2*M*N*K / time.
//   build/gemm_bench [--benchmark_filter=...]   (RNNGEN_THREADS=N to set the thread count)
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <cstdlib>
#include <vector>

#include "ops/cpu.h"
#include "ops/gemm.h"

namespace {

void BM_Sgemm(benchmark::State& st) {
  const bool ta = st.range(0), tb = st.range(1);
  const int m = static_cast<int>(st.range(2)), n = static_cast<int>(st.range(3)),
            k = static_cast<int>(st.range(4));
  if (const char* t = std::getenv("RNNGEN_THREADS")) rnngen::ops::set_num_threads(std::atoi(t));
  else rnngen::ops::set_num_threads(1);
  std::vector<float> a(static_cast<size_t>(m) * k, 0.01f), b(static_cast<size_t>(k) * n, 0.02f),
      c(static_cast<size_t>(m) * n, 0.f);
  const int lda = ta ? m : k, ldb = tb ? k : n;
  for (auto _ : st) {
    rnngen::ops::gemm(ta, tb, m, n, k, 1.f, a.data(), lda, b.data(), ldb, 1.f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOPS"] = benchmark::Counter(2.0 * m * n * k * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// The hardware ceiling: 12 independent chains of vector FMAs (enough to cover the FMA latency
// times the number of FMA pipes), nothing else in the loop. One FMA is 2 FLOPs per lane.
constexpr int kChains = 12;
constexpr long kRounds = 1 << 16;

// noinline and x, y from the caller: otherwise GCC computes the loop once, outside the timing.
__attribute__((noinline)) RNNGEN_TARGET_AVX512 float fma_chains_avx512(float xs, float ys) {
  __m512 acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = _mm512_set1_ps(static_cast<float>(j));
  const __m512 x = _mm512_set1_ps(xs), y = _mm512_set1_ps(ys);
  for (long i = 0; i < kRounds; ++i)
#pragma GCC unroll 12
    for (int j = 0; j < kChains; ++j) acc[j] = _mm512_fmadd_ps(acc[j], x, y);
  alignas(64) float v[16];
  float s = 0;
  for (int j = 0; j < kChains; ++j) {
    _mm512_store_ps(v, acc[j]);
    for (float e : v) s += e;
  }
  return s;
}

// AVX2 and FMA are the build's baseline (x86-64-v3): no target attribute needed here.
__attribute__((noinline)) float fma_chains_avx2(float xs, float ys) {
  __m256 acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = _mm256_set1_ps(static_cast<float>(j));
  const __m256 x = _mm256_set1_ps(xs), y = _mm256_set1_ps(ys);
  for (long i = 0; i < kRounds; ++i)
#pragma GCC unroll 12
    for (int j = 0; j < kChains; ++j) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  alignas(32) float v[8];
  float s = 0;
  for (int j = 0; j < kChains; ++j) {
    _mm256_store_ps(v, acc[j]);
    for (float e : v) s += e;
  }
  return s;
}

// One thread: the ceiling of a 1-thread run (each core of the machine has its own FMA units).
void BM_FmaPeak(benchmark::State& st) {
  const bool wide = rnngen::ops::avx512();
  float x = 0.999999f, y = 1e-7f;
  for (auto _ : st) {
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(y);
    benchmark::DoNotOptimize(wide ? fma_chains_avx512(x, y) : fma_chains_avx2(x, y));
  }
  const double flop = 2.0 * (wide ? 16 : 8) * kChains * kRounds;
  st.counters["GFLOPS"] = benchmark::Counter(flop * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  st.SetLabel(wide ? "zmm" : "ymm");
}
BENCHMARK(BM_FmaPeak)->UseRealTime();

// args: trans_a, trans_b, M, N, K
BENCHMARK(BM_Sgemm)
    ->ArgNames({"ta", "tb", "M", "N", "K"})
    ->Args({0, 0, 2048, 2048, 2048})  // peak reference
    // the per-step GEMMs with the weight stored the other way round (W^T copy)
    ->Args({0, 0, 32, 2048, 512})
    ->Args({0, 1, 32, 512, 2048})
    ->Args({0, 0, 32, 4096, 1024})
    ->Args({0, 1, 32, 1024, 4096})
    // LSTM H512, B32 T100 (layer 1, D = H): forward
    ->Args({0, 1, 3200, 2048, 512})   // input projection, whole window
    ->Args({0, 1, 32, 2048, 512})     // recurrent step
    // backward
    ->Args({0, 0, 32, 512, 2048})     // dh = dgates W_hh, per step
    ->Args({1, 0, 2048, 512, 3200})   // dW = dgates^T h, all steps
    ->Args({0, 0, 3200, 512, 2048})   // dx = dgates W_ih
    // LSTM H1024, B32 T50 (layer 0 input projection is small with E=64)
    ->Args({0, 1, 32, 4096, 1024})
    ->Args({0, 0, 32, 1024, 4096})
    ->Args({1, 0, 4096, 1024, 1600})
    // LSTM H128, B64 T64
    ->Args({0, 1, 64, 512, 128})
    ->Args({0, 0, 64, 128, 512})
    ->Args({1, 0, 512, 128, 4096})
    ->Args({0, 1, 4096, 512, 64})
    // PTB medium decoder (20x35 tokens, H650, vocab 10k): half of that step's FLOPs
    ->Args({0, 1, 700, 10000, 650})   // logits = x W^T
    ->Args({1, 0, 10000, 650, 700})   // dW = dlogits^T x
    ->Args({0, 0, 700, 650, 10000})   // dx = dlogits W
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
