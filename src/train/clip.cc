#include "train/clip.h"

#include <cmath>

namespace rnngen {

double clip_grad_norm(float* grads, size_t n, double max_norm) {
  // Four independent partial sums in a fixed order: lets the loop pipeline without making the
  // result depend on anything but n.
  double s[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; ++j) {
      const double g = grads[i + j];
      s[j] += g * g;
    }
  for (; i < n; ++i) {
    const double g = grads[i];
    s[0] += g * g;
  }
  const double norm = std::sqrt((s[0] + s[1]) + (s[2] + s[3]));
  if (max_norm <= 0 || !std::isfinite(norm)) return norm;
  const double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0) {
    const float c = static_cast<float>(coef);
    for (size_t k = 0; k < n; ++k) grads[k] *= c;
  }
  return norm;
}

}  // namespace rnngen
