// Central-difference gradient checking in double precision.
//   numeric_i = (L(p_i + h) - L(p_i - h)) / 2h,  h = 1e-5
//   error_i   = |analytic_i - numeric_i| / max(|analytic_i|, |numeric_i|, 1e-3)
// The floor keeps gradients that are zero up to rounding (|g| < 1e-3, where the absolute
// error of the difference quotient, about 1e-10, would dominate) from reading as large errors.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "util/rng.h"

namespace rnngen::testing {

struct GradCheckResult {
  double max_error = 0;
  size_t worst = 0;
  double analytic = 0, numeric = 0;
};

// Checks analytic[0..n) against differences of loss() with respect to x[0..n).
inline GradCheckResult grad_check(double* x, const double* analytic, size_t n,
                                  const std::function<double()>& loss, double h = 1e-5) {
  GradCheckResult r;
  for (size_t i = 0; i < n; ++i) {
    const double saved = x[i];
    x[i] = saved + h;
    const double lp = loss();
    x[i] = saved - h;
    const double lm = loss();
    x[i] = saved;
    const double num = (lp - lm) / (2 * h);
    const double err =
        std::abs(analytic[i] - num) / std::max({std::abs(analytic[i]), std::abs(num), 1e-3});
    if (err > r.max_error || i == 0) {
      r.max_error = std::max(r.max_error, err);
      if (err >= r.max_error) {
        r.worst = i;
        r.analytic = analytic[i];
        r.numeric = num;
      }
    }
  }
  return r;
}

inline void fill_uniform(double* x, size_t n, Rng& rng, double a = 1.0) {
  for (size_t i = 0; i < n; ++i) x[i] = rng.uniform(-a, a);
}

}  // namespace rnngen::testing
