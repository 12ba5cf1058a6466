// The generation GEMVs of ops/gemv.h against their scalar oracle gemv_chain_ref (one std::fma
// chain per row, in column order): gemv_acc on each vector and gemv_batch_acc on B at once
// give its bits exactly, fp32 and bf16 weights, on the AVX2 and AVX-512 paths (so the two
// paths give each other's bits too), over shapes with short last panels, every tile's leftover
// vectors, and products large enough to be split over the threads. gemv_ref (double
// accumulation) checks that the chain computes the product at all.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "isa_paths.h"
#include "ops/gemv.h"
#include "ops/gemv_batch.h"
#include "ops/gemm.h"
#include "util/rng.h"

namespace rnngen {
namespace {

template <typename W>
void check_shape(int rows, int cols, int B) {
  SCOPED_TRACE(testing::Message() << rows << " x " << cols << ", B " << B << ", " << sizeof(W) * 8 << "-bit");
  Rng rng(static_cast<uint64_t>(rows * 131 + cols * 7 + B));
  const int ldw = cols + 3, ldx = cols + 5, ldy = rows + 2;  // strides wider than the data
  std::vector<float> w(static_cast<size_t>(rows) * ldw);
  for (float& v : w) v = static_cast<float>(rng.uniform() * 2 - 1);
  const ops::GemvPanels<W> m = ops::pack_panels<W>(rows, cols, w.data(), ldw);
  std::vector<float> x(static_cast<size_t>(B) * ldx), y0(static_cast<size_t>(B) * ldy);
  for (float& v : x) v = static_cast<float>(rng.uniform() * 2 - 1);
  for (float& v : y0) v = static_cast<float>(rng.uniform());  // += onto a bias, as the stepper does
  std::vector<float> batched = y0;
  ops::gemv_batch_acc(m, B, x.data(), ldx, batched.data(), ldy);
  for (int b = 0; b < B; ++b) {
    const float* xb = x.data() + static_cast<size_t>(b) * ldx;
    std::vector<float> alone(y0.begin() + static_cast<size_t>(b) * ldy, y0.begin() + static_cast<size_t>(b) * ldy + rows);
    std::vector<float> chain = alone, ref = alone;
    ops::gemv_acc(m, xb, alone.data());
    ops::gemv_chain_ref(m, xb, chain.data());
    ops::gemv_ref(m, xb, ref.data());
    const float* got = batched.data() + static_cast<size_t>(b) * ldy;
    for (int r = 0; r < rows; ++r) {
      ASSERT_EQ(std::memcmp(&alone[r], &chain[r], sizeof(float)), 0)
          << "batch 1, vector " << b << " row " << r << ": " << alone[r] << " vs " << chain[r];
      ASSERT_EQ(std::memcmp(&got[r], &chain[r], sizeof(float)), 0)
          << "batched, vector " << b << " row " << r << ": " << got[r] << " vs " << chain[r];
      ASSERT_NEAR(got[r], ref[r], 1e-5 * cols) << "vector " << b << " row " << r;
    }
    // The padding between vectors' rows is not written.
    for (int r = rows; r < ldy; ++r) ASSERT_EQ(got[r], y0[static_cast<size_t>(b) * ldy + r]);
  }
}

template <typename W>
void check_all() {
  for (int rows : {1, 3, 15, 16, 17, 33, 65, 100})
    for (int cols : {1, 7, 16, 33, 512})
      for (int B : {1, 2, 3, 5, 7, 8, 9, 16, 17}) check_shape<W>(rows, cols, B);
  check_shape<W>(2048, 1024, 3);  // over the threading bounds: split over the threads
  check_shape<W>(2048, 1024, 16);
  check_shape<W>(4800, 1024, 1);
}

TEST(GemvBatch, Fp32EqualsTheFmaChainBitwise) { for_each_isa([] { check_all<float>(); }); }
TEST(GemvBatch, Bf16EqualsTheFmaChainBitwise) { for_each_isa([] { check_all<uint16_t>(); }); }

TEST(GemvBatch, PackedPanelsHoldTheMatrix) {
  // 17 rows: a full panel and one of a single row, its 15 padding lanes zero.
  const int rows = 17, cols = 5;
  std::vector<float> w(rows * cols);
  for (int i = 0; i < rows * cols; ++i) w[i] = static_cast<float>(i) + 0.25f;
  const auto m = ops::pack_panels<float>(rows, cols, w.data(), cols);
  ASSERT_EQ(m.panels(), 2);
  ASSERT_EQ(m.data.size(), size_t{2} * cols * ops::kPanelRows);
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < cols; ++k) ASSERT_EQ(ops::panel_at(m, r, k), w[r * cols + k]);
  for (int k = 0; k < cols; ++k)
    for (int i = 1; i < ops::kPanelRows; ++i) ASSERT_EQ(m.panel(1)[k * ops::kPanelRows + i], 0.0f);
  const auto h = ops::pack_panels<uint16_t>(rows, cols, w.data(), cols);
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < cols; ++k) ASSERT_EQ(ops::panel_at(h, r, k), ops::from_bf16(ops::to_bf16(w[r * cols + k])));
}

TEST(GemvBatch, ThreadCountDoesNotChangeTheBits) {
  const int threads = ops::num_threads();
  Rng rng(3);
  const int rows = 2400, cols = 1024, B = 16;  // both kernels over their threading bounds
  std::vector<float> w(static_cast<size_t>(rows) * cols), x(static_cast<size_t>(B) * cols);
  for (auto& v : w) v = static_cast<float>(rng.uniform(-1, 1));
  for (auto& v : x) v = static_cast<float>(rng.uniform(-1, 1));
  const auto m = ops::pack_panels<float>(rows, cols, w.data(), cols);
  std::vector<float> one(static_cast<size_t>(B) * rows, 0.5f), two = one, one1(rows, 0.5f), two1 = one1;
  ops::set_num_threads(1);
  ops::gemv_batch_acc(m, B, x.data(), cols, one.data(), rows);
  ops::gemv_acc(m, x.data(), one1.data());
  ops::set_num_threads(2);
  ops::gemv_batch_acc(m, B, x.data(), cols, two.data(), rows);
  ops::gemv_acc(m, x.data(), two1.data());
  ops::set_num_threads(threads);
  ASSERT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)), 0);
  ASSERT_EQ(std::memcmp(one1.data(), two1.data(), one1.size() * sizeof(float)), 0);
  ASSERT_EQ(std::memcmp(one1.data(), one.data(), one1.size() * sizeof(float)), 0);  // vector 0 alone
}

}  // namespace
}  // namespace rnngen
