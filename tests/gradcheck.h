// Double-precision central-difference gradient checks shared by the layer and model tests.
//
// For each entry p of a buffer: n = (L(p + eps) - L(p - eps)) / (2 eps), compared with the
// analytic gradient a by   rel = |a - n| / max(1e-8, |a| + |n|).
// The floor keeps the ratio finite where both are zero (e.g. embedding rows no id selects:
// there both are exactly 0, so rel = 0). eps = 1e-5: with losses of order 1-10, eps = 1e-6
// leaves ~1e-10 of rounding noise in n, which is 1e-6 relative on gradients of 1e-4; at 1e-5
// rounding and truncation (eps^2) are both ~1e-11.
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

// loss() must recompute the loss from the current contents of buf (it is perturbed in place
// and restored). analytic[k] is dL/dbuf[k].
template <class Loss>
GradcheckResult gradcheck(std::vector<double>& buf, const std::vector<double>& analytic,
                          Loss&& loss, double eps = 1e-5) {
  GradcheckResult r;
  for (size_t k = 0; k < buf.size(); ++k) {
    const double keep = buf[k];
    buf[k] = keep + eps;
    const double up = loss();
    buf[k] = keep - eps;
    const double down = loss();
    buf[k] = keep;
    const double numeric = (up - down) / (2 * eps);
    const double e = rel_error(analytic[k], numeric);
    if (e > r.max_rel) r = {e, k, analytic[k], numeric};
  }
  return r;
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
