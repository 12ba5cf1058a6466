// The vectorisable float exp / tanh / sigmoid against double-precision std:: math, in ulps of
// the float result, over a dense sweep of the ranges the cells and softmax see.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "ops/vmath.h"

namespace rnngen {
namespace {

// Distance in units of float's last place at the exact value's magnitude.
double ulps(float got, double want) {
  const float w = static_cast<float>(want);
  const double ulp = std::nextafter(std::fabs(w), std::numeric_limits<float>::infinity()) -
                     std::fabs(w);
  return std::fabs(got - want) / ulp;
}

template <typename F, typename G>
double max_ulps(F fast, G exact, float lo, float hi, int n, double abs_floor = 0) {
  double worst = 0;
  for (int k = 0; k <= n; ++k) {
    const float x = lo + (hi - lo) * static_cast<float>(k) / n;
    const double want = exact(static_cast<double>(x));
    if (std::fabs(want) < abs_floor) continue;
    worst = std::max(worst, ulps(fast(x), want));
  }
  return worst;
}

TEST(VMath, ExpWithinTwoUlps) {
  auto e = max_ulps(ops::exp_f, [](double x) { return std::exp(x); }, -87.0f, 88.0f, 2000000);
  EXPECT_LE(e, 2.0);
  EXPECT_EQ(ops::exp_f(0.0f), 1.0f);
  EXPECT_EQ(ops::exp_f(-100.0f), 0.0f);
  EXPECT_TRUE(std::isfinite(ops::exp_f(1000.0f)));
}

TEST(VMath, ExpInRangeIsExpWithoutTheChecks) {
  // Every float in [-87.33, 88] in steps of about 1e-4 (and the ends): the same bits as exp_f,
  // so sigmoid_f and tanh_f, which call it on clamped inputs, kept their results.
  const float lo = -87.3365447504f, hi = 88.0f;
  for (int k = 0; k <= 2000000; ++k) {
    const float x = lo + (hi - lo) * static_cast<float>(k) / 2000000;
    ASSERT_EQ(ops::exp_in_range_f(x), ops::exp_f(x)) << x;
  }
  EXPECT_EQ(ops::exp_in_range_f(lo), ops::exp_f(lo));
  EXPECT_EQ(ops::exp_in_range_f(hi), ops::exp_f(hi));
}

TEST(VMath, TanhWithinThreeUlps) {
  auto e = max_ulps(ops::tanh_f, [](double x) { return std::tanh(x); }, -12.0f, 12.0f, 2000000);
  EXPECT_LE(e, 3.0);
  // Tiny arguments: tanh(x) = x in float.
  for (float x : {1e-30f, -1e-20f, 1e-8f, 3e-4f}) EXPECT_NEAR(ops::tanh_f(x), x, std::fabs(x) * 1e-6f);
  EXPECT_EQ(ops::tanh_f(50.0f), 1.0f);
  EXPECT_EQ(ops::tanh_f(-50.0f), -1.0f);
  EXPECT_EQ(ops::tanh_f(0.0f), 0.0f);
}

TEST(VMath, SigmoidWithinFourUlps) {
  auto s = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  EXPECT_LE(max_ulps(ops::sigmoid_f, s, -80.0f, 30.0f, 2000000), 4.0);
  EXPECT_EQ(ops::sigmoid_f(200.0f), 1.0f);
  EXPECT_GE(ops::sigmoid_f(-200.0f), 0.0f);
  EXPECT_LT(ops::sigmoid_f(-200.0f), 1e-34f);
}

}  // namespace
}  // namespace rnngen
