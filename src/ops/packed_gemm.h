// C[m, n] = A[m, k] B[k, n] + beta C with B fixed over many calls: a recurrent layer's W_hh over
// the steps of a window. oneDNN's fp32 matmul on B reordered once into its own blocked layout,
// where OpenBLAS packs B again on every call. On Zen 5 (AVX-512) the per-step shapes run at
// 180-200 GFLOP/s in one thread against OpenBLAS's 82-130 (build/onednn_gemm_bench); on an
// AVX2-only Zen 3 they ran slower than OpenBLAS, so the layers use this only where
// ops::avx512() (ops/cpu.h).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace rnngen::ops {

class PackedGemm {
 public:
  PackedGemm();
  PackedGemm(PackedGemm&&) noexcept;
  PackedGemm& operator=(PackedGemm&&) noexcept;
  ~PackedGemm();

  // B is [k, n] row-major with leading dimension ldb, or, with trans_b, B^T [n, k] is. Keeps the
  // pointer: call pack() again whenever B's values change. While ops::bf16_gemms() is on when
  // pack() is called, B is packed in bf16 and each run() rounds A to bf16 (ops/bf16_gemm.h).
  void pack(bool trans_b, int k, int n, const float* b, int ldb);

  // C = A B + beta C (beta 0 or 1), A [m, k] with leading dimension lda, C [m, n] with ldc. May be
  // called from several OpenMP threads at once: each thread has its own primitives and packed B.
  void run(int m, const float* a, int lda, float beta, float* c, int ldc) const;

 private:
  struct Entry;  // one matmul primitive, its packed B and memory objects
  using Key = std::tuple<int, int, int, bool>;  // m, lda, ldc, beta != 0
  bool trans_b_ = false, bf16_ = false;
  int k_ = 0, n_ = 0, ldb_ = 0;
  const float* b_ = nullptr;
  uint64_t version_ = 0;  // bumped by pack(); an entry repacks when its copy is older
  mutable std::vector<std::map<Key, std::unique_ptr<Entry>>> per_thread_;
};

}  // namespace rnngen::ops
