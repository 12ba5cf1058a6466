// OpenBLAS cblas_sgemm against oneDNN's dnnl_sgemm on the shapes the layers issue (row-major,
// C = A op(B) + C), and against oneDNN's matmul primitive with B reordered once into the
// primitive's own layout (what a recurrent step could do with W_hh, which OpenBLAS packs again
// on every call). Counter GFLOPS per CPU-second. RNNGEN_THREADS sets the threads (default 1).
#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>

#include <oneapi/dnnl/dnnl.hpp>

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

// B packed once: the timed loop runs only the matmul (accumulating into C, as the layers do).
void BM_DnnlPacked(benchmark::State& st) {
  using namespace dnnl;
  using tag = memory::format_tag;
  using dt = memory::data_type;
  const bool ta = st.range(0), tb = st.range(1);
  const int m = st.range(2), n = st.range(3), k = st.range(4);
  const char* t = std::getenv("RNNGEN_THREADS");
  rnngen::ops::set_num_threads(t ? std::atoi(t) : 1);
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  std::vector<float> a(static_cast<size_t>(m) * k, 0.01f), b(static_cast<size_t>(k) * n, 0.02f),
      c(static_cast<size_t>(m) * n, 0.f);
  memory::desc a_md({m, k}, dt::f32, ta ? tag::ba : tag::ab);
  memory::desc b_user({k, n}, dt::f32, tb ? tag::ba : tag::ab);
  memory::desc b_any({k, n}, dt::f32, tag::any);
  memory::desc c_md({m, n}, dt::f32, tag::ab);
  post_ops po;
  po.append_sum(1.f);
  primitive_attr attr;
  attr.set_post_ops(po);
  matmul::primitive_desc pd(matmul::desc(a_md, b_any, c_md), attr, eng);  // oneDNN 2.x API
  memory a_mem(a_md, eng, a.data()), b_mem(b_user, eng, b.data()), c_mem(c_md, eng, c.data());
  memory b_packed(pd.weights_desc(), eng);
  reorder(b_mem, b_packed).execute(s, b_mem, b_packed);
  matmul mm(pd);
  for (auto _ : st) {
    mm.execute(s, {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_packed}, {DNNL_ARG_DST, c_mem}});
    s.wait();
    benchmark::DoNotOptimize(c.data());
  }
  st.counters["GFLOPS"] = benchmark::Counter(2.0 * m * n * k * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// The same with int8: u8 activations x s8 weights (packed once) -> f32, one scale per output
// column, as int8 generation weights would run. Counter: GOPS (2mnk) per CPU-second.
void BM_DnnlInt8Packed(benchmark::State& st) {
  using namespace dnnl;
  using tag = memory::format_tag;
  using dt = memory::data_type;
  const int m = st.range(2), n = st.range(3), k = st.range(4);
  const char* t = std::getenv("RNNGEN_THREADS");
  rnngen::ops::set_num_threads(t ? std::atoi(t) : 1);
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  std::vector<uint8_t> a(static_cast<size_t>(m) * k, 3);
  std::vector<int8_t> b(static_cast<size_t>(k) * n, 2);
  std::vector<float> c(static_cast<size_t>(m) * n, 0.f);
  memory::desc a_md({m, k}, dt::u8, tag::ab);
  memory::desc b_user({k, n}, dt::s8, tag::ab);
  memory::desc b_any({k, n}, dt::s8, tag::any);
  memory::desc c_md({m, n}, dt::f32, tag::ab);
  primitive_attr attr;
  attr.set_output_scales(2, {DNNL_RUNTIME_F32_VAL});
  matmul::primitive_desc pd(matmul::desc(a_md, b_any, c_md), attr, eng);
  memory a_mem(a_md, eng, a.data()), b_mem(b_user, eng, b.data()), c_mem(c_md, eng, c.data());
  memory b_packed(pd.weights_desc(), eng);
  reorder(b_mem, b_packed).execute(s, b_mem, b_packed);
  std::vector<float> scales(n, 0.001f);
  memory sc_mem({{n}, dt::f32, tag::a}, eng, scales.data());
  matmul mm(pd);
  for (auto _ : st) {
    mm.execute(s, {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_packed}, {DNNL_ARG_DST, c_mem},
                   {DNNL_ARG_ATTR_OUTPUT_SCALES, sc_mem}});
    s.wait();
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
      ->Args({0, 0, 64, 2048, 1024})                                                    \
      ->Args({0, 0, 64, 1024, 256})                                                     \
      ->Args({0, 0, 20, 2600, 650})                                                     \
      ->Args({0, 0, 20, 650, 2600})                                                     \
      ->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_Gemm<false>) SHAPES;
BENCHMARK(BM_Gemm<true>) SHAPES;
BENCHMARK(BM_DnnlPacked) SHAPES;
BENCHMARK(BM_DnnlInt8Packed) SHAPES;

}  // namespace

BENCHMARK_MAIN();
