#include "layers/softmax_ce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "ops/activations.h"
#include "ops/parallel.h"
#include "ops/vmath.h"

namespace rnngen::layers {

template <typename T>
double softmax_ce_ref(int n, int v, const T* logits, const int32_t* targets, T scale, T* dlogits) {
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

namespace {

// One row of the float fast path. Reductions run in kLanes independent partial sums (float
// maxima, double sums of float exps), combined in a fixed order, so the result is the same
// for every vector width. d may alias z: every element is read before it is written.
constexpr int kLanes = 16;

RNNGEN_SIMD_CLONES
double softmax_ce_row(int v, const float* z, int32_t y, float scale, float* d) {
  int j = 0;
  float m[kLanes];
  for (int l = 0; l < kLanes; ++l) m[l] = -std::numeric_limits<float>::infinity();
  for (; j + kLanes <= v; j += kLanes)
    for (int l = 0; l < kLanes; ++l) m[l] = z[j + l] > m[l] ? z[j + l] : m[l];
  float mx = -std::numeric_limits<float>::infinity();
  for (int l = 0; l < kLanes; ++l) mx = m[l] > mx ? m[l] : mx;
  for (; j < v; ++j) mx = z[j] > mx ? z[j] : mx;
  const float zy = z[y];

  double s[kLanes] = {};
  j = 0;
  if (d) {
    for (; j + kLanes <= v; j += kLanes)
      for (int l = 0; l < kLanes; ++l) {
        const float e = ops::exp_f(z[j + l] - mx);
        d[j + l] = e;
        s[l] += e;
      }
  } else {
    for (; j + kLanes <= v; j += kLanes)
      for (int l = 0; l < kLanes; ++l) s[l] += ops::exp_f(z[j + l] - mx);
  }
  double sum = 0;
  for (int l = 0; l < kLanes; ++l) sum += s[l];
  for (; j < v; ++j) {
    const float e = ops::exp_f(z[j] - mx);
    if (d) d[j] = e;
    sum += e;
  }
  if (d) {
    const float k = static_cast<float>(1.0 / sum) * scale;
    for (int q = 0; q < v; ++q) d[q] *= k;
    d[y] -= scale;
  }
  return std::log(sum) + mx - zy;
}

double softmax_ce_fast(int n, int v, const float* logits, const int32_t* targets, float scale,
                       float* dlogits) {
  std::vector<double> row_loss(n);
  ops::parallel_rows(n, static_cast<size_t>(v), [&](int r0, int r1) {
    for (int i = r0; i < r1; ++i) {
      const float* z = logits + static_cast<size_t>(i) * v;
      float* d = dlogits ? dlogits + static_cast<size_t>(i) * v : nullptr;
      if (targets[i] < 0) {
        if (d) std::fill(d, d + v, 0.0f);
        row_loss[i] = 0;
        continue;
      }
      row_loss[i] = softmax_ce_row(v, z, targets[i], scale, d);
    }
  });
  double total = 0;  // in row order, whatever the thread count
  for (int i = 0; i < n; ++i) total += row_loss[i];
  return total;
}

}  // namespace

template <typename T>
double softmax_ce(int n, int v, const T* logits, const int32_t* targets, T scale, T* dlogits) {
  if constexpr (std::is_same_v<T, float>) {
    if (ops::fast_kernels()) return softmax_ce_fast(n, v, logits, targets, scale, dlogits);
  }
  return softmax_ce_ref(n, v, logits, targets, scale, dlogits);
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
template double softmax_ce_ref<float>(int, int, const float*, const int32_t*, float, float*);
template double softmax_ce_ref<double>(int, int, const double*, const int32_t*, double, double*);
template double sigmoid_bce<float>(int, const float*, const float*, float, float*);
template double sigmoid_bce<double>(int, const double*, const double*, double, double*);

}  // namespace rnngen::layers
