#include "ops/orthogonal.h"

#include <cmath>

namespace rnngen::ops {

namespace {

// Orthonormal rows of a [n, m] matrix (n <= m) by modified Gram-Schmidt over normal draws.
// Double precision: for the sizes we use (m up to a few thousand) the rows come out
// orthonormal to ~1e-14, far below float resolution.
void orthonormal_rows(int64_t n, int64_t m, Rng& rng, std::vector<double>& a) {
  a.resize(static_cast<size_t>(n * m));
  for (auto& v : a) v = rng.normal();
  for (int64_t i = 0; i < n; ++i) {
    double* ri = a.data() + i * m;
    for (int64_t p = 0; p < i; ++p) {
      const double* rp = a.data() + p * m;
      double d = 0;
      for (int64_t k = 0; k < m; ++k) d += ri[k] * rp[k];
      for (int64_t k = 0; k < m; ++k) ri[k] -= d * rp[k];
    }
    double norm = 0;
    for (int64_t k = 0; k < m; ++k) norm += ri[k] * ri[k];
    norm = std::sqrt(norm);
    for (int64_t k = 0; k < m; ++k) ri[k] /= norm;
  }
}

}  // namespace

void random_orthogonal(int64_t rows, int64_t cols, Rng& rng, std::vector<double>& out) {
  if (rows <= cols) {
    orthonormal_rows(rows, cols, rng, out);
    return;
  }
  // Orthonormal columns: build them as the rows of the transpose, then transpose.
  std::vector<double> t;
  orthonormal_rows(cols, rows, rng, t);
  out.resize(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = t[j * rows + i];
}

}  // namespace rnngen::ops
