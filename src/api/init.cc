#include "api/init.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rnngen::api {

// Orthonormal rows of a [n, m] matrix (n <= m) by modified Gram-Schmidt over normal draws.
static void orthonormal_rows(int64_t n, int64_t m, Rng& rng, std::vector<double>& a) {
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

void init_fill(const Initializer& init, int64_t rows, int64_t cols, Rng& rng, float* out) {
  const int64_t n = rows * cols;
  using K = Initializer::Kind;
  switch (init.kind) {
    case K::kZeros:
      std::fill(out, out + n, 0.0f);
      break;
    case K::kOnes:
      std::fill(out, out + n, 1.0f);
      break;
    case K::kConstant:
      std::fill(out, out + n, static_cast<float>(init.value));
      break;
    case K::kRandomUniform:
      for (int64_t k = 0; k < n; ++k) out[k] = static_cast<float>(rng.uniform(init.lo, init.hi));
      break;
    case K::kGlorotUniform: {
      const double fan_in = rows == 1 ? cols : rows, fan_out = cols;
      const double limit = std::sqrt(6.0 / (fan_in + fan_out));
      for (int64_t k = 0; k < n; ++k) out[k] = static_cast<float>(rng.uniform(-limit, limit));
      break;
    }
    case K::kOrthogonal: {
      // The shorter side gets orthonormal vectors: rows when rows <= cols, else columns
      // (built as rows of the transpose).
      std::vector<double> q;
      const double gain = init.value;
      if (rows <= cols) {
        orthonormal_rows(rows, cols, rng, q);
        for (int64_t k = 0; k < n; ++k) out[k] = static_cast<float>(gain * q[k]);
      } else {
        orthonormal_rows(cols, rows, rng, q);
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j)
            out[i * cols + j] = static_cast<float>(gain * q[j * rows + i]);
      }
      break;
    }
  }
}

}  // namespace rnngen::api
