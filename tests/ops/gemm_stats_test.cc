// GEMM accounting (ops/gemm_stats.h): counts exactly 2*m*n*k per call only while enabled, and
// `rnngen bench --gemm-stats` reports the FLOPs a training step must do, and `rnngen bench
// --gen-batch` those of a batched generation step and the floor they put on it.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ops/gemm.h"
#include "ops/gemm_stats.h"
#include "train/bench.h"

namespace rnngen {
namespace {

void one_gemm(int m, int n, int k) {
  std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n, 0.0f);
  ops::gemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n);
  EXPECT_FLOAT_EQ(c[0], 0.125f * k);
}

TEST(GemmStats, CountsOnlyWhileEnabled) {
  ops::gemm_stats_take();
  one_gemm(7, 5, 9);
  EXPECT_EQ(ops::gemm_stats_take().calls, 0u);
  ops::gemm_stats_enable(true);
  one_gemm(7, 5, 9);
  one_gemm(3, 4, 2);
  ops::gemm_stats_enable(false);
  one_gemm(7, 5, 9);
  const ops::GemmStats s = ops::gemm_stats_take();
  EXPECT_EQ(s.calls, 2u);
  EXPECT_DOUBLE_EQ(s.flops, 2.0 * (7 * 5 * 9 + 3 * 4 * 2));
  EXPECT_GT(s.seconds, 0.0);
  EXPECT_EQ(ops::gemm_stats_take().calls, 0u);  // take resets
}

TEST(GemmStats, CountsCallsFromEveryThreadOfARegion) {
  ops::gemm_stats_take();
  ops::gemm_stats_enable(true);
#pragma omp parallel num_threads(2)
  one_gemm(8, 8, 8);
  ops::gemm_stats_enable(false);
  const ops::GemmStats s = ops::gemm_stats_take();
  const int team = 2;  // OpenMP may give fewer threads; calls == team size either way
  EXPECT_TRUE(s.calls == 1u || s.calls == static_cast<uint64_t>(team));
  EXPECT_DOUBLE_EQ(s.flops, static_cast<double>(s.calls) * 2 * 512);
}

TEST(GemmStats, BenchReportsTheStepsGemmFlops) {
  train::BenchOptions o;
  o.mode = "train";
  o.cell = "lstm";
  o.vocab = 50;
  o.embed = 16;
  o.hidden = 96;
  o.batch = 8;
  o.seq = 12;
  o.repeats = 2;
  o.steps = 2;
  o.warmup = 1;
  o.gemm_stats = true;
  o.peak_size = 128;
  const train::BenchResult r = train::run_bench(o);
  // What a step cannot avoid: the recurrent product forward, its dh and dW_hh backward (3 GEMMs
  // of 2*B*H*4H per step, the first forward step may skip a zero state), and the decoder forward,
  // dW and dx (3 of 2*B*H*V per token). The input side adds at most 3 of 2*B*E*4H per step.
  const double BT = o.batch * o.seq, H = o.hidden, E = o.embed, V = o.vocab;
  const double rec = 3 * 2 * BT * H * 4 * H, dec = 3 * 2 * BT * H * V, in = 3 * 2 * BT * E * 4 * H;
  const double got = r.gemm_gflop_per_step * 1e9;
  EXPECT_GE(got, rec * (o.seq - 1.0) / o.seq + dec);
  EXPECT_LE(got, rec + dec + in);
  EXPECT_GT(r.gemm_gflops, 0.0);
  EXPECT_GT(r.sgemm_peak_gflops, 0.0);
  EXPECT_GT(r.gemm_time_share, 0.0);
  EXPECT_LE(r.gemm_time_share, 1.0 + 1e-9);
  EXPECT_FALSE(ops::gemm_stats_enabled());
}

TEST(GemmStats, BenchGivesTheBatchedGenerationStepsFlopsAndFloor) {
  train::BenchOptions o;
  o.mode = "generate";
  o.cell = "lstm";
  o.vocab = 50;
  o.embed = 0;  // one-hot: layer 0's input product is a gathered row, not a multiply
  o.hidden = 64;
  o.layers = 2;
  o.gen_batch = 4;
  o.exact_batching = true;
  o.gen_tokens = 20;
  o.repeats = 1;
  o.peak_size = 128;
  const train::BenchResult r = train::run_bench(o);
  // Per stream: layer 0's W_hh [4H, H], layer 1's [W_ih | W_hh] [4H, 2H], the decoder [V, H].
  const double H = o.hidden, V = o.vocab;
  EXPECT_DOUBLE_EQ(r.genb_gflop_per_step * 1e9, 2.0 * o.gen_batch * (4 * H * H + 4 * H * 2 * H + V * H));
  EXPECT_GT(r.genb_peak_gflops, 0.0);
  EXPECT_DOUBLE_EQ(r.genb_floor_ms, std::max(r.genb_gflop_per_step / r.genb_peak_gflops * 1e3, r.floor_ms));
  const nlohmann::json j = nlohmann::json::parse(train::bench_json(r));
  EXPECT_DOUBLE_EQ(j["genb_min_time_per_token_ratio"].get<double>(), r.genb_floor_ms / r.gen1_ms.median);
  EXPECT_NE(train::bench_table(r).find("floor"), std::string::npos);

  o.weights = "int8";  // integer products: the SGEMM peak bounds nothing, so no floor
  EXPECT_EQ(train::run_bench(o).genb_floor_ms, 0.0);
}

}  // namespace
}  // namespace rnngen
