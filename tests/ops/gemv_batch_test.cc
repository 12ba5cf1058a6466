// gemv_batch_acc (one read of the weights for B vectors) against gemv_acc (ops/gemv.h) run on
// each vector alone: every row of every vector bitwise equal, fp32 and bf16 weights, on the
// AVX2 and AVX-512 paths, over shapes with every kind of column tail and leftover rows, and a
// product large enough to be split over the threads. gemv_ref checks that both compute the
// product at all (to float rounding).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "isa_paths.h"
#include "ops/gemv.h"
#include "ops/gemv_batch.h"
#include "util/rng.h"

namespace rnngen {
namespace {

template <typename W>
void check_shape(int rows, int cols, int B) {
  SCOPED_TRACE(testing::Message() << rows << " x " << cols << ", B " << B << ", " << sizeof(W) * 8 << "-bit");
  Rng rng(static_cast<uint64_t>(rows * 131 + cols * 7 + B));
  const int ldw = cols + 3, ldx = cols + 5, ldy = rows + 2;  // strides wider than the data
  std::vector<W> w(static_cast<size_t>(rows) * ldw);
  for (W& v : w) {
    const float f = static_cast<float>(rng.uniform() * 2 - 1);
    if constexpr (sizeof(W) == 2) v = ops::to_bf16(f);
    else v = f;
  }
  std::vector<float> x(static_cast<size_t>(B) * ldx), y0(static_cast<size_t>(B) * ldy);
  for (float& v : x) v = static_cast<float>(rng.uniform() * 2 - 1);
  for (float& v : y0) v = static_cast<float>(rng.uniform());  // += onto a bias, as the stepper does
  std::vector<float> batched = y0;
  ops::gemv_batch_acc(rows, cols, w.data(), ldw, B, x.data(), ldx, batched.data(), ldy);
  for (int b = 0; b < B; ++b) {
    std::vector<float> alone(y0.begin() + static_cast<size_t>(b) * ldy, y0.begin() + static_cast<size_t>(b) * ldy + rows);
    std::vector<float> ref = alone;
    ops::gemv_acc(rows, cols, w.data(), ldw, x.data() + static_cast<size_t>(b) * ldx, alone.data());
    ops::gemv_ref(rows, cols, w.data(), ldw, x.data() + static_cast<size_t>(b) * ldx, ref.data());
    const float* got = batched.data() + static_cast<size_t>(b) * ldy;
    for (int r = 0; r < rows; ++r) {
      ASSERT_EQ(std::memcmp(&got[r], &alone[r], sizeof(float)), 0)
          << "vector " << b << " row " << r << ": " << got[r] << " vs " << alone[r];
      ASSERT_NEAR(got[r], ref[r], 1e-5 * cols) << "vector " << b << " row " << r;
    }
    // The padding between vectors' rows is not written.
    for (int r = rows; r < ldy; ++r) ASSERT_EQ(got[r], y0[static_cast<size_t>(b) * ldy + r]);
  }
}

template <typename W>
void check_all() {
  for (int rows : {1, 3, 4, 5, 7, 9, 65})
    for (int cols : {1, 7, 8, 13, 16, 17, 31, 32, 33, 48, 100, 512})
      for (int B : {1, 2, 3, 4, 5, 7, 16}) check_shape<W>(rows, cols, B);
  check_shape<W>(2048, 1024, 3);  // over the threading bound: split over the threads
  check_shape<W>(2048, 1024, 16);
}

TEST(GemvBatch, Fp32RowsEqualBatch1Bitwise) { for_each_isa([] { check_all<float>(); }); }
TEST(GemvBatch, Bf16RowsEqualBatch1Bitwise) { for_each_isa([] { check_all<uint16_t>(); }); }

}  // namespace
}  // namespace rnngen
