// clip_grad_norm against norms worked out by hand.
#include "train/clip.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace rnngen {
namespace {

TEST(ClipGradNorm, ScalesDownToMaxNormLikePytorch) {
  // 3-4-12 has norm 13 exactly.
  std::vector<float> g = {3.f, -4.f, 12.f};
  const double norm = clip_grad_norm(g.data(), g.size(), 6.5);
  EXPECT_DOUBLE_EQ(norm, 13.0);
  const double coef = 6.5 / (13.0 + 1e-6);  // PyTorch: max_norm / (total_norm + 1e-6)
  EXPECT_FLOAT_EQ(g[0], static_cast<float>(3.0 * coef));
  EXPECT_FLOAT_EQ(g[1], static_cast<float>(-4.0 * coef));
  EXPECT_FLOAT_EQ(g[2], static_cast<float>(12.0 * coef));
  const double after = std::sqrt(double(g[0]) * g[0] + double(g[1]) * g[1] + double(g[2]) * g[2]);
  EXPECT_NEAR(after, 6.5, 1e-5);
}

TEST(ClipGradNorm, LeavesSmallGradientsAlone) {
  std::vector<float> g = {3.f, -4.f, 12.f};
  EXPECT_DOUBLE_EQ(clip_grad_norm(g.data(), g.size(), 13.5), 13.0);
  EXPECT_EQ(g, (std::vector<float>{3.f, -4.f, 12.f}));
  // At exactly max_norm the coefficient is 13 / (13 + 1e-6) < 1, so PyTorch scales (barely).
  clip_grad_norm(g.data(), g.size(), 13.0);
  EXPECT_LT(g[2], 12.f);
}

// The split form the trainer uses (norm, then the factor folded into the optimizer) gives the
// gradients clip_grad_norm gives.
TEST(ClipGradNorm, FactorIsWhatClipGradNormMultipliesBy) {
  std::vector<float> g(1001);
  for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<float>(std::sin(0.7 * i) * 3.0);
  const double norm = grad_norm(g.data(), g.size());
  for (double max_norm : {1.0, 20.0, norm, 1e9, 0.0}) {
    std::vector<float> clipped = g;
    EXPECT_EQ(clip_grad_norm(clipped.data(), clipped.size(), max_norm), norm);
    const float c = clip_factor(norm, max_norm);
    for (size_t i = 0; i < g.size(); ++i) ASSERT_EQ(clipped[i], g[i] * c) << max_norm << " " << i;
    if (max_norm > 0 && max_norm < norm / 2) {
      EXPECT_LT(c, 1.0f) << max_norm;
    } else if (max_norm > norm || max_norm == 0) {
      EXPECT_EQ(c, 1.0f) << max_norm;
    }
  }
  EXPECT_EQ(clip_factor(std::nan(""), 5.0), 1.0f);
  EXPECT_EQ(clip_factor(INFINITY, 5.0), 1.0f);
}

TEST(ClipGradNorm, ZeroMaxNormOnlyMeasures) {
  std::vector<float> g(1001, 0.5f);  // odd length: exercises the tail of the unrolled sum
  EXPECT_NEAR(clip_grad_norm(g.data(), g.size(), 0.0), std::sqrt(1001 * 0.25), 1e-12);
  EXPECT_EQ(g[1000], 0.5f);
}

TEST(ClipGradNorm, NonFiniteNormLeavesGradientsUntouched) {
  std::vector<float> g = {1.f, INFINITY, 2.f};
  EXPECT_TRUE(std::isinf(clip_grad_norm(g.data(), g.size(), 1.0)));
  EXPECT_EQ(g[0], 1.f);
  g[1] = NAN;
  EXPECT_TRUE(std::isnan(clip_grad_norm(g.data(), g.size(), 1.0)));
  EXPECT_EQ(g[2], 2.f);
}

TEST(ClipGradNorm, AccumulatesInDouble) {
  // 2^24 + 1 ones: a float accumulator stalls at 2^24, a double one does not.
  const size_t n = (size_t{1} << 24) + 1;
  std::vector<float> g(n, 1.0f);
  EXPECT_DOUBLE_EQ(clip_grad_norm(g.data(), n, 0.0), std::sqrt(static_cast<double>(n)));
}

}  // namespace
}  // namespace rnngen
