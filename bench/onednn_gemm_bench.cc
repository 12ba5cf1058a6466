// OpenBLAS cblas_sgemm against oneDNN's dnnl_sgemm on the shapes the layers issue (row-major,
// C = A op(B) + C), and against oneDNN's matmul primitive with B reordered once into the
// primitive's own layout (what a recurrent step could do with W_hh, which OpenBLAS packs again
// on every call), in fp32, bf16 and int8. Counter GFLOPS per CPU-second. RNNGEN_THREADS sets the threads (default 1).
#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <type_traits>
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

// oneDNN's matmul with B reordered once: the timed loop runs only the matmul. fp32: C += A B
// (a sum post-op, as the layers accumulate). bf16: bf16 A x bf16 B -> fp32 C, likewise (what
// a bf16 training step on a CPU with AVX512-BF16 or AMX would run). int8: u8 A x s8 B -> s32 C,
// what `--weights int8` runs at batch > 1 (src/ops/int8_gemm.cc); its counter is GOPS (2mnk
// per CPU-second).
enum class Elem { kF32, kBf16, kInt8 };

template <Elem kElem>
void BM_DnnlPacked(benchmark::State& st) {
  using namespace dnnl;
  using tag = memory::format_tag;
  using dt = memory::data_type;
  constexpr bool kInt8 = kElem == Elem::kInt8, kBf16 = kElem == Elem::kBf16;
  using A = std::conditional_t<kInt8, uint8_t, std::conditional_t<kBf16, uint16_t, float>>;
  using B = std::conditional_t<kInt8, int8_t, std::conditional_t<kBf16, uint16_t, float>>;
  using C = std::conditional_t<kInt8, int32_t, float>;
  const bool ta = st.range(0), tb = st.range(1);
  const int m = st.range(2), n = st.range(3), k = st.range(4);
  const char* t = std::getenv("RNNGEN_THREADS");
  rnngen::ops::set_num_threads(t ? std::atoi(t) : 1);
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  // bf16 0x3c00 = 2^-7 and 0x3c80 = 2^-6: small exact values, like the fp32 ones.
  std::vector<A> a(static_cast<size_t>(m) * k, A(kBf16 ? 0x3c00 : 1));
  std::vector<B> b(static_cast<size_t>(k) * n, B(kBf16 ? 0x3c80 : 2));
  std::vector<C> c(static_cast<size_t>(m) * n, C(0));
  const dt da = kInt8 ? dt::u8 : kBf16 ? dt::bf16 : dt::f32;
  const dt db = kInt8 ? dt::s8 : kBf16 ? dt::bf16 : dt::f32, dc = kInt8 ? dt::s32 : dt::f32;
  memory::desc a_md({m, k}, da, ta ? tag::ba : tag::ab);
  memory::desc b_user({k, n}, db, tb ? tag::ba : tag::ab);
  memory::desc b_any({k, n}, db, tag::any);
  memory::desc c_md({m, n}, dc, tag::ab);
  primitive_attr attr;
  if (!kInt8) {
    post_ops po;
    po.append_sum(1.f);
    attr.set_post_ops(po);
  }
  matmul::primitive_desc pd(matmul::desc(a_md, b_any, c_md), attr, eng);  // oneDNN 2.x API
  st.SetLabel(pd.impl_info_str());
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
      ->Args({0, 0, 700, 650, 10000})                                                   \
      ->Args({0, 1, 700, 2600, 650})                                                    \
      ->Args({0, 0, 700, 650, 2600})                                                    \
      ->Args({1, 0, 2600, 650, 700})                                                    \
      ->Args({0, 1, 6400, 1024, 256})                                                   \
      ->Args({0, 0, 6400, 256, 1024})                                                   \
      ->Args({1, 0, 1024, 256, 6400})                                                   \
      ->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_Gemm<false>) SHAPES;
BENCHMARK(BM_Gemm<true>) SHAPES;
BENCHMARK(BM_DnnlPacked<Elem::kF32>) SHAPES;
BENCHMARK(BM_DnnlPacked<Elem::kBf16>) SHAPES;
BENCHMARK(BM_DnnlPacked<Elem::kInt8>) SHAPES;

}  // namespace

BENCHMARK_MAIN();
