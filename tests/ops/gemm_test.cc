// The BLAS GEMM against the naive reference, in every transpose combination.
#include <gtest/gtest.h>

#include <vector>

#include "ops/gemm.h"
#include "util/rng.h"

namespace rnngen {
namespace {

TEST(Gemm, MatchesReferenceForAllTransposes) {
  Rng rng(7);
  const int m = 7, n = 5, k = 9;
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      std::vector<float> a(m * k), b(k * n), c(m * n), cref(m * n);
      for (auto& v : a) v = static_cast<float>(rng.uniform(-1, 1));
      for (auto& v : b) v = static_cast<float>(rng.uniform(-1, 1));
      for (size_t i = 0; i < c.size(); ++i) c[i] = cref[i] = static_cast<float>(rng.uniform(-1, 1));
      const int lda = ta ? m : k, ldb = tb ? k : n;
      ops::gemm(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, 2.0f, c.data(), n);
      ops::gemm_ref(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, 2.0f, cref.data(), n);
      for (size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c[i], cref[i], 1e-5) << ta << tb << i;
    }
}

}  // namespace
}  // namespace rnngen
