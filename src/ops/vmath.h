// Branch-free float exp / tanh / sigmoid that the compiler vectorises (AVX2, or AVX-512 in a
// target_clones copy), for the pointwise cell kernels and softmax-CE. Accuracy against
// the exact value, over the ranges the cells see (4M-point sweeps): exp 0.99 ulp, tanh 1.27 ulp
// (|x| <= 12), sigmoid 2.44 ulp (-80 <= x <= 30); tests/ops/vmath_test.cc holds them to 2/3/4. The double instantiations of every kernel keep std:: math, so the
// finite-difference gradient checks are unaffected.
//
// Cephes-style: exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two
// parts), exp(r) a degree-6 polynomial; tanh(x) = odd polynomial for |x| < 0.625, else
// sign(x) * (1 - 2 / (exp(2|x|) + 1)). std::fma keeps the rounding identical in the scalar
// tail and every vector width.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

namespace rnngen::ops {

// exp for x already in [-87.33, 88]: exp_f's arithmetic without its range checks. sigmoid_f
// and tanh_f clamp their inputs into that range first, and the checks they no longer repeat
// made their vector loops 1.3-1.6x slower (build/kernels_bench, LSTM and GRU forward).
inline float exp_in_range_f(float x) {
  // n = round(x * log2(e)) with the 1.5 * 2^23 trick (exact for |x log2 e| < 2^22).
  const float shifter = 12582912.0f;
  const float t = std::fma(x, 1.44269504088896341f, shifter);
  const float n = t - shifter;
  float r = std::fma(n, -0.693359375f, x);
  r = std::fma(n, 2.12194440e-4f, r);
  float p = 1.9875691500e-4f;
  p = std::fma(p, r, 1.3981999507e-3f);
  p = std::fma(p, r, 8.3334519073e-3f);
  p = std::fma(p, r, 4.1665795894e-2f);
  p = std::fma(p, r, 1.6666665459e-1f);
  p = std::fma(p, r, 5.0000001201e-1f);
  const float y = std::fma(p, r * r, r) + 1.0f;
  const int32_t ni = std::bit_cast<int32_t>(t) - std::bit_cast<int32_t>(shifter);
  const float scale = std::bit_cast<float>((ni + 127) << 23);
  return y * scale;
}

// exp for x in float's normal range; x <= -87.33 gives 0 (no denormals), x >= 88 gives
// e^88 = 1.65e38 (not inf); NaN is not propagated.
inline float exp_f(float x) {
  const float hi = 88.0f, lo = -87.3365447504f;
  const bool under = x < lo;
  x = x > hi ? hi : x;
  x = x < lo ? lo : x;
  const float e = exp_in_range_f(x);
  return under ? 0.0f : e;
}

inline float tanh_f(float x) {
  const float ax = std::fabs(x);
  // Small |x|: Cephes tanhf polynomial, x + x^3 P(x^2).
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = std::fma(p, z, 2.06390887954e-2f);
  p = std::fma(p, z, -5.37397155531e-2f);
  p = std::fma(p, z, 1.33314422036e-1f);
  p = std::fma(p, z, -3.33332819422e-1f);
  const float small = std::fma(p * z, x, x);
  // Large |x|: 1 - 2 / (e^{2|x|} + 1); from |x| = 9.02 on that rounds to 1 in float.
  const float a = ax > 10.0f ? 10.0f : ax;
  const float big = 1.0f - 2.0f / (exp_in_range_f(2.0f * a) + 1.0f);
  const float s = std::copysign(big, x);
  return ax < 0.625f ? small : s;
}

// 1 / (1 + e^-x); x is clamped to [-80, 80] so e^-x stays finite (sigmoid(-80) = 1.8e-35).
inline float sigmoid_f(float x) {
  x = x > 80.0f ? 80.0f : x;
  x = x < -80.0f ? -80.0f : x;
  return 1.0f / (1.0f + exp_in_range_f(-x));
}

}  // namespace rnngen::ops
