#include "train/clip.h"

#include <cmath>

namespace rnngen {

double grad_norm(const float* grads, size_t n) {
  // Sixteen independent partial sums in a fixed order, so that the result depends on n alone.
  // Four vectors of four doubles keep the adds' latency hidden: with one vector the loop ran
  // at one element a cycle (1.7% of a PTB medium step at 1 thread, 20M weights).
  constexpr int kLanes = 16;
  double s[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) {
      const double g = grads[i + j];
      s[j] += g * g;
    }
  for (; i < n; ++i) {
    const double g = grads[i];
    s[0] += g * g;
  }
  for (int w = kLanes / 2; w > 0; w /= 2)  // pairwise: s[j] += s[j + w]
    for (int j = 0; j < w; ++j) s[j] += s[j + w];
  return std::sqrt(s[0]);
}

float clip_factor(double norm, double max_norm) {
  if (max_norm <= 0 || !std::isfinite(norm)) return 1.0f;
  const double coef = max_norm / (norm + 1e-6);
  return coef < 1.0 ? static_cast<float>(coef) : 1.0f;
}

double clip_grad_norm(float* grads, size_t n, double max_norm) {
  const double norm = grad_norm(grads, n);
  const float c = clip_factor(norm, max_norm);
  if (c != 1.0f)
    for (size_t k = 0; k < n; ++k) grads[k] *= c;
  return norm;
}

}  // namespace rnngen
