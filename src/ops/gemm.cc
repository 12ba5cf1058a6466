#include "ops/gemm.h"

#include <atomic>

#include <cblas.h>
#include <omp.h>

#include <chrono>

#include "ops/bf16_gemm.h"
#include "ops/gemm_stats.h"

namespace rnngen::ops {

void gemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  if (m == 0 || n == 0) return;
  const bool count = gemm_stats_enabled();
  const auto t0 = count ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  if (bf16_gemms() && alpha == 1.0f && (beta == 0.0f || beta == 1.0f))  // `--precision bf16`
    gemm_bf16(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
  else
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m,
                n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (count)
    gemm_stats_add(2.0 * m * n * static_cast<double>(k),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

void gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m,
              n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

namespace {
std::atomic<int> g_threads{0};  // the last set_num_threads(), 0 before any
}  // namespace

void set_num_threads(int n) {
  if (n < 1) n = 1;
  g_threads = n;
  openblas_set_num_threads(n);
  omp_set_num_threads(n);
}

int num_threads() { return omp_get_max_threads(); }

void adopt_num_threads() {
  if (const int n = g_threads.load(); n > 0) omp_set_num_threads(n);
}

}  // namespace rnngen::ops
