// Double-precision central-difference gradient checks shared by the layer and model tests.
//
// For each entry p of a buffer the numeric derivative is the fourth-order central difference
//   n = (L(p - 2e) - 8 L(p - e) + 8 L(p + e) - L(p + 2e)) / (12 e),   e = 1e-3,
// compared with the analytic gradient a by
//   rel = |a - n| / max(1e-8, |a| + |n|).
// Why fourth order: with the plain (L(p+e) - L(p-e)) / 2e, rounding (~1e-16 |L| / e) and
// truncation (~e^2) cannot both get below ~1e-11 absolute, which fails the 1e-6 relative bound
// for the small gradients an LSTM's recurrent weights get (~1e-7). Here truncation is O(e^4)
// and rounding ~1e-13, so components down to ~1e-7 are held to 1e-6.
// The floor keeps the ratio finite where both are zero (e.g. embedding rows no id selects:
// there both are exactly 0, so rel = 0).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "util/rng.h"

namespace rnngen::testing {

inline double rel_error(double a, double n) {
  return std::abs(a - n) / std::max(1e-8, std::abs(a) + std::abs(n));
}

struct GradcheckResult {
  double max_rel = 0;
  size_t worst = 0;  // index of the worst entry
  double analytic = 0, numeric = 0;
};

// loss() must recompute the loss from the current contents of x[0..n) (each entry is
// perturbed in place and restored). analytic[k] is dL/dx[k].
template <class Loss>
GradcheckResult gradcheck(double* x, const double* analytic, size_t n, Loss&& loss,
                          double eps = 1e-3) {
  GradcheckResult r;
  for (size_t k = 0; k < n; ++k) {
    const double keep = x[k];
    auto at = [&](double delta) {
      x[k] = keep + delta;
      return loss();
    };
    // Differences first: where L does not depend on p they are exactly 0 (summing -7L + 8L
    // would leave an ulp behind).
    const double numeric =
        (8 * (at(eps) - at(-eps)) - (at(2 * eps) - at(-2 * eps))) / (12 * eps);
    x[k] = keep;
    const double e = rel_error(analytic[k], numeric);
    if (e > r.max_rel) r = {e, k, analytic[k], numeric};
  }
  return r;
}

template <class Loss>
GradcheckResult gradcheck(std::vector<double>& buf, const std::vector<double>& analytic,
                          Loss&& loss, double eps = 1e-3) {
  return gradcheck(buf.data(), analytic.data(), buf.size(), loss, eps);
}

inline void fill_uniform(double* x, size_t n, Rng& rng, double a = 1.0) {
  for (size_t i = 0; i < n; ++i) x[i] = rng.uniform(-a, a);
}

inline std::vector<double> random_vector(size_t n, Rng& rng, double lo = -1, double hi = 1) {
  std::vector<double> v(n);
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}

inline double dot(const double* a, const double* b, size_t n) {
  double s = 0;
  for (size_t k = 0; k < n; ++k) s += a[k] * b[k];
  return s;
}

}  // namespace rnngen::testing
