// Counter-based dropout masks (the language model's): the fast kernel against its per-element
// reference, and the property data-parallel training needs: a batch split over processes
// draws, row for row, the mask that one process draws for the whole batch.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "dist/comm.h"
#include "layers/dropout.h"

namespace rnngen {
namespace {

TEST(DropoutCtr, FastMatchesReference) {
  for (double p : {0.0, 0.1, 0.5, 0.65, 0.999})
    for (int W : {1, 7, 64, 513}) {
      const layers::DropoutKey k{layers::dropout_step_key(42, 17), 3};
      std::vector<float> fast, ref;
      layers::dropout_mask_ctr(5, 3, W, p, 2, k, fast);
      layers::dropout_mask_ctr_ref(5, 3, W, p, 2, k, ref);
      ASSERT_EQ(fast, ref) << "p " << p << " W " << W;
    }
}

TEST(DropoutCtr, SplitBatchDrawsTheSameRows) {
  const int T = 6, B = 8, W = 33;
  const uint64_t key = layers::dropout_step_key(1234, 5);
  std::vector<float> whole;
  layers::dropout_mask_ctr(T, B, W, 0.4, 1, layers::DropoutKey{key, 0}, whole);
  for (int procs : {2, 3, 4, 8}) {
    std::vector<float> stitched(whole.size(), -1.0f);
    for (int r = 0; r < procs; ++r) {
      const dist::RowRange rows = dist::row_share(B, r, procs);
      std::vector<float> part;
      layers::dropout_mask_ctr(T, rows.count(), W, 0.4, 1, layers::DropoutKey{key, rows.begin}, part);
      for (int t = 0; t < T; ++t)
        for (int b = 0; b < rows.count(); ++b)
          for (int k = 0; k < W; ++k)
            stitched[(static_cast<size_t>(t) * B + rows.begin + b) * W + k] =
                part[(static_cast<size_t>(t) * rows.count() + b) * W + k];
    }
    EXPECT_EQ(stitched, whole) << procs << " processes";
  }
}

TEST(DropoutCtr, MasksDifferBetweenStepsSitesAndRows) {
  const uint64_t k5 = layers::dropout_step_key(9, 5), k6 = layers::dropout_step_key(9, 6);
  std::vector<float> a, b, c, d;
  layers::dropout_mask_ctr(4, 2, 128, 0.5, 1, layers::DropoutKey{k5, 0}, a);
  layers::dropout_mask_ctr(4, 2, 128, 0.5, 1, layers::DropoutKey{k6, 0}, b);
  layers::dropout_mask_ctr(4, 2, 128, 0.5, 2, layers::DropoutKey{k5, 0}, c);
  layers::dropout_mask_ctr(4, 2, 128, 0.5, 1, layers::DropoutKey{k5, 1}, d);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  // Row 1 of a is row 0 of d; row 0 of a is no row of d.
  EXPECT_TRUE(std::equal(a.begin() + 128, a.begin() + 256, d.begin()));
  EXPECT_FALSE(std::equal(a.begin(), a.begin() + 128, d.begin()));
}

TEST(DropoutCtr, DropRateAndKeepScale) {
  std::vector<float> m;
  layers::dropout_mask_ctr(50, 16, 250, 0.3, 1, layers::DropoutKey{layers::dropout_step_key(3, 0), 0}, m);
  size_t dropped = 0;
  for (float x : m) {
    if (x == 0.0f) ++dropped;
    else ASSERT_EQ(x, static_cast<float>(1.0 / 0.7));
  }
  EXPECT_NEAR(static_cast<double>(dropped) / m.size(), 0.3, 0.005);
}

TEST(RowShare, ContiguousCoverInRankOrder) {
  for (int rows : {0, 1, 5, 8, 64})
    for (int procs : {1, 2, 3, 8}) {
      int next = 0;
      for (int r = 0; r < procs; ++r) {
        const dist::RowRange s = dist::row_share(rows, r, procs);
        EXPECT_EQ(s.begin, next);
        EXPECT_GE(s.count(), rows / procs);
        EXPECT_LE(s.count(), rows / procs + 1);
        next = s.end;
      }
      EXPECT_EQ(next, rows);
    }
  EXPECT_EQ(dist::row_share(8, 1, 2).begin, 4);  // the issue's [r*B/N, (r+1)*B/N)
  EXPECT_EQ(dist::row_share(8, 1, 2).end, 8);
}

}  // namespace
}  // namespace rnngen
