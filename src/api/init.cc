#include "api/init.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/orthogonal.h"

namespace rnngen::api {

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
      std::vector<double> q;
      ops::random_orthogonal(rows, cols, rng, q);
      for (int64_t k = 0; k < n; ++k) out[k] = static_cast<float>(init.value * q[k]);  // value = gain
      break;
    }
  }
}

}  // namespace rnngen::api
