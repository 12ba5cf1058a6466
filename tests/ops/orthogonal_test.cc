// random_orthogonal: orthonormal rows (wide) or columns (tall), Gaussian-looking entries,
// the same matrix for the same seed.
#include "ops/orthogonal.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rnngen::ops {
namespace {

// max |G - I| where G is the Gram matrix of the rows (by_rows) or the columns.
double gram_error(const std::vector<double>& q, int64_t rows, int64_t cols, bool by_rows) {
  const int64_t n = by_rows ? rows : cols, len = by_rows ? cols : rows;
  auto at = [&](int64_t vec, int64_t k) { return by_rows ? q[vec * cols + k] : q[k * cols + vec]; };
  double worst = 0;
  for (int64_t a = 0; a < n; ++a)
    for (int64_t b = 0; b < n; ++b) {
      double d = 0;
      for (int64_t k = 0; k < len; ++k) d += at(a, k) * at(b, k);
      worst = std::max(worst, std::abs(d - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}

TEST(Orthogonal, WideMatrixHasOrthonormalRows) {
  Rng rng(1);
  std::vector<double> q;
  random_orthogonal(13, 52, rng, q);
  ASSERT_EQ(q.size(), 13u * 52u);
  EXPECT_LT(gram_error(q, 13, 52, true), 1e-12);
}

TEST(Orthogonal, TallMatrixHasOrthonormalColumns) {
  Rng rng(2);
  std::vector<double> q;
  random_orthogonal(52, 13, rng, q);
  EXPECT_LT(gram_error(q, 52, 13, false), 1e-12);
}

TEST(Orthogonal, SquareMatrixIsOrthogonalBothWaysAndSeeded) {
  Rng a(3), b(3);
  std::vector<double> q, r;
  random_orthogonal(64, 64, a, q);
  random_orthogonal(64, 64, b, r);
  EXPECT_LT(gram_error(q, 64, 64, true), 1e-12);
  EXPECT_LT(gram_error(q, 64, 64, false), 1e-12);
  EXPECT_EQ(q, r);
  // Haar-distributed entries of a 64 x 64 orthogonal matrix have variance 1/64.
  double ss = 0;
  for (double v : q) ss += v * v;
  EXPECT_NEAR(ss / static_cast<double>(q.size()), 1.0 / 64, 1e-12);  // rows have norm 1 exactly
}

}  // namespace
}  // namespace rnngen::ops
