#include "ops/packed_gemm.h"

#include <omp.h>

#include <chrono>

#include "ops/bf16_gemm.h"
#include "ops/gemm.h"
#include "ops/gemm_stats.h"
#include "ops/onednn.h"
#include "util/check.h"

namespace rnngen::ops {

struct PackedGemm::Entry {
  dnnl::stream stream;
  dnnl::matmul mm;
  dnnl::memory src, weights, dst;
  uint64_t version = 0;  // of the B packed into weights; 0: none yet
  std::vector<uint16_t> a16;  // bf16: A rounded, dense [m, k]
};

PackedGemm::PackedGemm() = default;
PackedGemm::PackedGemm(PackedGemm&&) noexcept = default;
PackedGemm& PackedGemm::operator=(PackedGemm&&) noexcept = default;
PackedGemm::~PackedGemm() = default;

void PackedGemm::pack(bool trans_b, int k, int n, const float* b, int ldb) {
  RNNGEN_CHECK(k > 0 && n > 0 && b != nullptr);
  const bool bf16 = bf16_gemms();
  if (trans_b != trans_b_ || k != k_ || n != n_ || ldb != ldb_ || bf16 != bf16_) per_thread_.clear();  // new shape
  bf16_ = bf16;
  trans_b_ = trans_b;
  k_ = k;
  n_ = n;
  ldb_ = ldb;
  b_ = b;
  ++version_;
  // Sized outside parallel regions only; a thread beyond it (a caller's own parallel region) falls
  // back to BLAS in run().
  if (!omp_in_parallel()) per_thread_.resize(static_cast<size_t>(omp_get_max_threads()));
}

void PackedGemm::run(int m, const float* a, int lda, float beta, float* c, int ldc) const {
  RNNGEN_CHECK(b_ != nullptr && m > 0 && (beta == 0.0f || beta == 1.0f));
  const size_t t = omp_in_parallel() ? static_cast<size_t>(omp_get_thread_num()) : 0;
  if (t >= per_thread_.size()) {
    gemm(false, trans_b_, m, n_, k_, 1.0f, a, lda, b_, ldb_, beta, c, ldc);
    return;
  }
  const bool count = gemm_stats_enabled();  // as ops::gemm counts its calls
  const auto t0 = count ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  // bf16 copies A dense (a16), so its lda does not shape the primitive: one entry, and one
  // reordered copy of B, per m.
  auto& e = per_thread_[t][Key{m, bf16_ ? k_ : lda, ldc, beta != 0.0f}];
  using dnnl::memory;
  using dt = memory::data_type;
  if (!e) {
    e = std::make_unique<Entry>();
    e->stream = dnnl::stream(cpu_engine());
    // bf16: A is rounded into a16 (dense) on every call; the reorder below rounds B once.
    const memory::desc src_md = bf16_ ? memory::desc({m, k_}, dt::bf16, memory::dims{k_, 1})
                                      : memory::desc({m, k_}, dt::f32, memory::dims{lda, 1});
    const memory::desc w_any({k_, n_}, bf16_ ? dt::bf16 : dt::f32, memory::format_tag::any);
    const memory::desc dst_md({m, n_}, dt::f32, memory::dims{ldc, 1});
    const dnnl::matmul::primitive_desc pd = matmul_pd(src_md, w_any, dst_md, beta != 0.0f);
    e->mm = dnnl::matmul(pd);
    e->src = memory(src_md, cpu_engine(), nullptr);
    e->dst = memory(dst_md, cpu_engine(), nullptr);
    e->weights = memory(pd.weights_desc(), cpu_engine());
  }
  if (e->version != version_) {
    const memory::desc b_md({k_, n_}, dt::f32, trans_b_ ? memory::dims{1, ldb_} : memory::dims{ldb_, 1});
    memory user(b_md, cpu_engine(), const_cast<float*>(b_));
    dnnl::reorder(user, e->weights).execute(e->stream, user, e->weights);
    e->version = version_;
  }
  if (bf16_) {
    e->a16.resize(static_cast<size_t>(m) * k_);
    round_to_bf16(m, k_, a, lda, e->a16.data());
    e->src.set_data_handle(e->a16.data());
  } else {
    e->src.set_data_handle(const_cast<float*>(a));
  }
  e->dst.set_data_handle(c);
  e->mm.execute(e->stream, {{DNNL_ARG_SRC, e->src}, {DNNL_ARG_WEIGHTS, e->weights}, {DNNL_ARG_DST, e->dst}});
  e->stream.wait();
  if (count)
    gemm_stats_add(2.0 * m * n_ * static_cast<double>(k_),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace rnngen::ops
