// Int8 generation products (ops/int8_gemm.h): the quantisers against their definitions, and
// Int8Matrix::gemm_acc at batch 1 (our AVX2 and AVX512-VNNI kernels) and batch > 1 (oneDNN's
// matmul) against the exact integer sums computed one product at a time, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "isa_paths.h"
#include "ops/int8_gemm.h"
#include "util/rng.h"

namespace rnngen {
namespace {

TEST(Int8Quantize, ActivationsRoundToTheNearestStep) {
  Rng rng(3);
  const int rows = 4, cols = 37, ld = 40;
  std::vector<float> x(rows * ld, 0.0f);
  for (int r = 1; r < rows; ++r)  // row 0 stays zero
    for (int k = 0; k < cols; ++k) x[r * ld + k] = static_cast<float>(rng.uniform(-r, r));
  std::vector<uint8_t> q(rows * ld, 0);
  std::vector<float> s(rows);
  ops::quantize_rows_u8(rows, cols, x.data(), ld, q.data(), ld, s.data());
  EXPECT_EQ(s[0], 0.0f);
  for (int k = 0; k < cols; ++k) EXPECT_EQ(q[k], 128);
  for (int r = 1; r < rows; ++r) {
    float amax = 0;
    for (int k = 0; k < cols; ++k) amax = std::max(amax, std::fabs(x[r * ld + k]));
    EXPECT_FLOAT_EQ(s[r], amax / 127);
    bool hit_end = false;
    for (int k = 0; k < cols; ++k) {
      const int c = q[r * ld + k] - 128;
      EXPECT_LE(std::abs(c), 127);
      hit_end |= std::abs(c) == 127;
      EXPECT_LE(std::fabs(c * s[r] - x[r * ld + k]), 0.5001f * s[r]) << r << "," << k;
    }
    EXPECT_TRUE(hit_end) << "the largest |x| maps to +-127";
  }
}

TEST(Int8Matrix, WeightsUseSevenBitsPerRow) {
  Rng rng(4);
  const int rows = 5, cols = 21, ld = 23;
  std::vector<float> w(rows * ld);
  for (auto& v : w) v = static_cast<float>(rng.uniform(-2, 2));
  const ops::Int8Matrix m(rows, cols, w.data(), ld);
  for (int r = 0; r < rows; ++r) {
    int qmax = 0;
    for (int k = 0; k < cols; ++k) {
      EXPECT_LE(std::abs(m.q(r, k)), 63);
      qmax = std::max(qmax, std::abs(static_cast<int>(m.q(r, k))));
      EXPECT_LE(std::fabs(m.q(r, k) * m.scale(r) - w[r * ld + k]), 0.5001f * m.scale(r));
    }
    EXPECT_EQ(qmax, 63);
  }
}

// y0 + float(sum_k (xq - 128) q) * (sx * s_r), the sum exact in int64.
void expect_exact(int batch, int rows, int cols, const std::vector<float>& w, const std::vector<float>& x) {
  const int ldw = cols + 2, ldx = cols + 5, ldy = rows + 3;
  const ops::Int8Matrix m(rows, cols, w.data(), ldw);
  std::vector<uint8_t> xq(static_cast<size_t>(batch) * ldx);
  std::vector<float> sx(batch), y(static_cast<size_t>(batch) * ldy), want(y.size());
  ops::quantize_rows_u8(batch, cols, x.data(), ldx, xq.data(), ldx, sx.data());
  for (size_t i = 0; i < y.size(); ++i) y[i] = want[i] = 0.25f * static_cast<float>(i % 7);
  std::vector<int8_t> qr(cols);
  for (int b = 0; b < batch; ++b)
    for (int r = 0; r < rows; ++r) {
      for (int k = 0; k < cols; ++k) qr[k] = m.q(r, k);
      const int64_t dot = ops::int8_dot_ref(cols, xq.data() + static_cast<size_t>(b) * ldx, qr.data());
      want[static_cast<size_t>(b) * ldy + r] += static_cast<float>(dot) * (sx[b] * m.scale(r));
    }
  m.gemm_acc(batch, xq.data(), ldx, sx.data(), y.data(), ldy);
  for (size_t i = 0; i < y.size(); ++i)
    ASSERT_EQ(y[i], want[i]) << "batch " << batch << " rows " << rows << " cols " << cols << " at " << i;
}

TEST(Int8Matrix, GemmIsExactAtEveryBatch) {
  Rng rng(9);
  for (int batch : {1, 2, 5, 64})
    for (int rows : {1, 5, 33})
      for (int cols : {1, 31, 32, 33, 100}) {
        std::vector<float> w(static_cast<size_t>(rows) * (cols + 2)), x(static_cast<size_t>(batch) * (cols + 5));
        for (auto& v : w) v = static_cast<float>(rng.uniform(-1, 1));
        for (auto& v : x) v = static_cast<float>(rng.uniform(-3, 3));
        expect_exact(batch, rows, cols, w, x);
      }
}

TEST(Int8Matrix, BatchOneIsExactOnEveryIsaPath) {
  // Column counts around the 32- and 64-byte steps of the AVX2 and VNNI kernels and their tails.
  for_each_isa([] {
    Rng rng(11);
    for (int rows : {1, 4, 7})
      for (int cols : {1, 31, 63, 64, 65, 127, 128, 200}) {
        std::vector<float> w(static_cast<size_t>(rows) * (cols + 2)), x(cols + 5);
        for (auto& v : w) v = static_cast<float>(rng.uniform(-1, 1));
        for (auto& v : x) v = static_cast<float>(rng.uniform(-3, 3));
        expect_exact(1, rows, cols, w, x);
      }
  });
}

TEST(Int8Matrix, GemmIsExactWhenSplitAmongThreads) {
  // 2048 x 1536 int8 weights (3 MB) are enough for the batch-1 product to split its rows among
  // the threads (when the machine has more than one).
  Rng rng(10);
  const int rows = 2048, cols = 1536;
  std::vector<float> w(static_cast<size_t>(rows) * (cols + 2)), x(cols + 5);
  for (auto& v : w) v = static_cast<float>(rng.uniform(-1, 1));
  for (auto& v : x) v = static_cast<float>(rng.uniform(-1, 1));
  expect_exact(1, rows, cols, w, x);
}

TEST(Int8Matrix, ExtremeCodesDoNotSaturate) {
  // Every weight at +-63 and every activation code at 255 or 1: the pair sums vpmaddubsw forms
  // are as large as they get (255 * 63 * 2 = 32130); a saturating int16 would lose them.
  for_each_isa([] {
    for (int batch : {1, 3}) {
      const int rows = 6, cols = 96;
      std::vector<float> w(static_cast<size_t>(rows) * (cols + 2)), x(static_cast<size_t>(batch) * (cols + 5));
      for (size_t i = 0; i < w.size(); ++i) w[i] = (i / 3) % 2 ? 1.0f : -1.0f;
      for (size_t i = 0; i < x.size(); ++i) x[i] = (i / 2) % 2 ? 1.0f : -1.0f;
      expect_exact(batch, rows, cols, w, x);
    }
  });
}

}  // namespace
}  // namespace rnngen
