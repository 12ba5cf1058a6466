#include "layers/softmax_ce.h"

#include <algorithm>
#include <cmath>

#include "ops/activations.h"

namespace rnngen::layers {

template <typename T>
double softmax_ce(int n, int v, const T* logits, const int32_t* targets, T scale, T* dlogits) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const T* z = logits + static_cast<size_t>(i) * v;
    T* d = dlogits ? dlogits + static_cast<size_t>(i) * v : nullptr;
    const int32_t y = targets[i];
    if (y < 0) {
      if (d)
        for (int j = 0; j < v; ++j) d[j] = T(0);
      continue;
    }
    T mx = z[0];
    for (int j = 1; j < v; ++j) mx = z[j] > mx ? z[j] : mx;
    double sum = 0;
    for (int j = 0; j < v; ++j) sum += std::exp(static_cast<double>(z[j] - mx));
    const double lse = std::log(sum) + mx;
    total += lse - z[y];
    if (d) {
      const double inv = 1.0 / sum;
      for (int j = 0; j < v; ++j)
        d[j] = static_cast<T>(std::exp(static_cast<double>(z[j] - mx)) * inv) * scale;
      d[y] -= scale;
    }
  }
  return total;
}

template <typename T>
double sigmoid_bce(int n, const T* z, const T* y, T scale, T* dz) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    // log(1 + e^-|z|) form: stable for large |z|.
    const double zi = z[i], yi = y[i];
    total += std::max(zi, 0.0) - zi * yi + std::log1p(std::exp(-std::abs(zi)));
    if (dz) dz[i] = (ops::sigmoid(z[i]) - y[i]) * scale;
  }
  return total;
}

template double softmax_ce<float>(int, int, const float*, const int32_t*, float, float*);
template double softmax_ce<double>(int, int, const double*, const int32_t*, double, double*);
template double sigmoid_bce<float>(int, const float*, const float*, float, float*);
template double sigmoid_bce<double>(int, const double*, const double*, double, double*);

}  // namespace rnngen::layers
