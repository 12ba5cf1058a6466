// Row-major GEMM: C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C.
// The fast path is CBLAS (OpenBLAS); gemm_ref is the naive oracle the tests compare against.
#pragma once

namespace rnngen::ops {

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);
void gemm(bool trans_a, bool trans_b, int m, int n, int k, double alpha, const double* a, int lda,
          const double* b, int ldb, double beta, double* c, int ldc);

template <typename T>
void gemm_ref(bool trans_a, bool trans_b, int m, int n, int k, T alpha, const T* a, int lda,
              const T* b, int ldb, T beta, T* c, int ldc) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double acc = 0;
      for (int p = 0; p < k; ++p) {
        double av = trans_a ? a[p * lda + i] : a[i * lda + p];
        double bv = trans_b ? b[j * ldb + p] : b[p * ldb + j];
        acc += av * bv;
      }
      c[i * ldc + j] = static_cast<T>(alpha * acc + (beta == T(0) ? 0.0 : beta * c[i * ldc + j]));
    }
}

// Number of threads BLAS and our OpenMP loops use.
void set_num_threads(int n);
int num_threads();
// OpenMP keeps the thread count per thread: set_num_threads() reaches only its caller (and
// OpenBLAS). A thread started later (a generation engine's) calls this to take the count last
// set anywhere in the process; a no-op when none was set.
void adopt_num_threads();

}  // namespace rnngen::ops
