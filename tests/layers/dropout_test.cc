// dropout_draw_mask (integer threshold, chunked) against the per-element uniform() < p
// reference: the same mask and the same random stream afterwards, including a p that equals
// one draw's uniform() exactly (kept: the comparison is strict).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "layers/dropout.h"
#include "util/rng.h"

namespace rnngen {
namespace {

template <typename T>
void expect_same_as_ref(size_t n, double p, uint64_t seed) {
  Rng a(seed), b(seed);
  std::vector<T> fast, ref;
  layers::dropout_draw_mask(n, p, a, fast);
  layers::dropout_draw_mask_ref(n, p, b, ref);
  ASSERT_EQ(fast.size(), n);
  for (size_t k = 0; k < n; ++k) ASSERT_EQ(fast[k], ref[k]) << "p " << p << " element " << k;
  EXPECT_EQ(a.next_u64(), b.next_u64()) << "the streams parted";
}

TEST(DropoutMask, SameDecisionsAndStreamAsUniformReference) {
  // n around the chunk size (512) and not a multiple of it.
  for (double p : {0.0, 0.1, 0.25, 1.0 / 3.0, 0.5, 0.65, 0.999})
    for (size_t n : {1, 511, 512, 513, 5000}) {
      expect_same_as_ref<float>(n, p, 7 + n);
      expect_same_as_ref<double>(n, p, 11 + n);
    }
}

TEST(DropoutMask, DropRateAndKeepScale) {
  Rng rng(3);
  std::vector<float> m;
  layers::dropout_draw_mask(200000, 0.3, rng, m);
  size_t dropped = 0;
  for (float x : m) {
    if (x == 0.0f) ++dropped;
    else ASSERT_EQ(x, static_cast<float>(1.0 / 0.7));
  }
  EXPECT_NEAR(static_cast<double>(dropped) / m.size(), 0.3, 0.005);
}

TEST(DropoutMask, BoundaryDrawIsKept) {
  // p set to exactly the uniform() of the draws at positions 0 and 700 (the second chunk):
  // uniform() < p is false there, so both are kept; an off-by-one threshold would drop them.
  for (size_t at : {size_t{0}, size_t{700}}) {
    Rng probe(42);
    uint64_t r = 0;
    for (size_t k = 0; k <= at; ++k) r = probe.next_u64();
    const double p = static_cast<double>(r >> 11) * 0x1.0p-53;
    Rng a(42), b(42);
    std::vector<float> fast, ref;
    layers::dropout_draw_mask(1000, p, a, fast);
    layers::dropout_draw_mask_ref(1000, p, b, ref);
    EXPECT_NE(fast[at], 0.0f) << at;
    EXPECT_EQ(fast, ref) << at;
    // One ulp above: now that draw is dropped.
    Rng c(42);
    std::vector<float> above;
    layers::dropout_draw_mask(1000, p + 0x1.0p-53, c, above);
    EXPECT_EQ(above[at], 0.0f) << at;
  }
}

}  // namespace
}  // namespace rnngen
