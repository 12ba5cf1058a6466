// `--precision bf16` products (ops/bf16_gemm.h) and ops::PackedGemm in both precisions against
// the naive reference: bf16 on inputs rounded to bf16 first (what the hardware multiplies), so
// only fp32 summation error is left.
#include <gtest/gtest.h>

#include <cstring>
#include <tuple>
#include <vector>

#include "isa_paths.h"
#include "ops/bf16_gemm.h"
#include "ops/cpu.h"
#include "ops/gemm.h"
#include "ops/gemv.h"
#include "ops/packed_gemm.h"
#include "util/rng.h"

namespace rnngen {
namespace {

std::vector<float> random(Rng& rng, size_t n) {
  std::vector<float> v(n);
  for (auto& e : v) e = static_cast<float>(rng.uniform(-1, 1));
  return v;
}

std::vector<float> rounded(const std::vector<float>& v) {
  std::vector<float> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) r[i] = ops::from_bf16(ops::to_bf16(v[i]));
  return r;
}

// Switches the bf16 GEMMs on for one test and off after it.
struct Bf16On {
  Bf16On() { ops::set_bf16_gemms(true); }
  ~Bf16On() { ops::set_bf16_gemms(false); }
};

TEST(Bf16Round, MatchesTheScalarRounding) {
  // Normal numbers, ties among them (low half exactly 0x8000: to even) and a row tail.
  Rng rng(5);
  const int rows = 3, cols = 37, ld = 40;
  std::vector<float> x = random(rng, static_cast<size_t>(rows) * ld);
  for (int k = 0; k < 8; ++k) {
    uint32_t u = 0x3f800000u + (static_cast<uint32_t>(k) << 16) + 0x8000u;
    std::memcpy(&x[k], &u, 4);
  }
  for_each_isa([&] {
    std::vector<uint16_t> out(static_cast<size_t>(rows) * cols);
    ops::round_to_bf16(rows, cols, x.data(), ld, out.data());
    for (int r = 0; r < rows; ++r)
      for (int k = 0; k < cols; ++k)
        ASSERT_EQ(out[static_cast<size_t>(r) * cols + k], ops::to_bf16(x[static_cast<size_t>(r) * ld + k]))
            << r << "," << k;
  });
}

TEST(Bf16Gemm, MatchesTheReferenceOnRoundedInputs) {
  if (!ops::avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  Rng rng(6);
  for (auto [m, n, k] : {std::tuple{7, 33, 19}, std::tuple{32, 64, 130}})
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (float beta : {0.0f, 1.0f}) {
          const int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
          const auto a = random(rng, static_cast<size_t>(ta ? k : m) * lda);
          const auto b = random(rng, static_cast<size_t>(tb ? n : k) * ldb);
          std::vector<float> c = random(rng, static_cast<size_t>(m) * ldc), want = c;
          ops::gemm_ref(ta, tb, m, n, k, 1.0f, rounded(a).data(), lda, rounded(b).data(), ldb, beta, want.data(), ldc);
          {
            Bf16On on;
            ops::gemm(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
          }
          for (int i = 0; i < m; ++i)
            for (int j = 0; j < n; ++j)
              ASSERT_NEAR(c[i * ldc + j], want[i * ldc + j], 1e-4)
                  << m << "x" << n << "x" << k << " ta " << ta << " tb " << tb << " beta " << beta;
        }
}

// PackedGemm: C = A B + beta C for B given as [k, n] or as its transpose, in fp32 and bf16.
void expect_packed_matches(bool bf16) {
  Rng rng(8);
  const int m = 5, n = 48, k = 70, lda = k + 3, ldc = n + 2;
  for (int tb = 0; tb < 2; ++tb)
    for (float beta : {0.0f, 1.0f}) {
      const int ldb = (tb ? k : n) + 1;
      auto b = random(rng, static_cast<size_t>(tb ? n : k) * ldb);
      const auto a = random(rng, static_cast<size_t>(m) * lda);
      std::vector<float> c = random(rng, static_cast<size_t>(m) * ldc), want = c;
      ops::gemm_ref(false, tb, m, n, k, 1.0f, bf16 ? rounded(a).data() : a.data(), lda,
                    bf16 ? rounded(b).data() : b.data(), ldb, beta, want.data(), ldc);
      ops::PackedGemm p;
      p.pack(tb, k, n, b.data(), ldb);
      p.run(m, a.data(), lda, beta, c.data(), ldc);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) ASSERT_NEAR(c[i * ldc + j], want[i * ldc + j], 1e-4) << "tb " << tb << " beta " << beta;
    }
}

TEST(PackedGemm, MatchesTheReference) { expect_packed_matches(false); }

TEST(PackedGemm, Bf16MatchesTheReferenceOnRoundedInputs) {
  if (!ops::avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  Bf16On on;
  expect_packed_matches(true);
}

TEST(PackedGemm, RepacksWhenTheWeightChanges) {
  Rng rng(9);
  const int m = 4, n = 16, k = 24;
  auto b = random(rng, static_cast<size_t>(k) * n);
  const auto a = random(rng, static_cast<size_t>(m) * k);
  ops::PackedGemm p;
  std::vector<float> c(static_cast<size_t>(m) * n), want(c.size());
  p.pack(false, k, n, b.data(), n);
  p.run(m, a.data(), k, 0.0f, c.data(), n);
  for (auto& v : b) v = -2 * v;  // new values in the same buffer, then pack() as the layers do
  p.pack(false, k, n, b.data(), n);
  p.run(m, a.data(), k, 0.0f, c.data(), n);
  ops::gemm_ref(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, want.data(), n);
  for (size_t i = 0; i < c.size(); ++i) ASSERT_NEAR(c[i], want[i], 1e-4) << i;
}

}  // namespace
}  // namespace rnngen
