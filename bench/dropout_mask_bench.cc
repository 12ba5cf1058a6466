// Dropout mask generation: the sequential mt19937_64 masks (dropout_draw_mask, still used by
// seq2seq) against the counter-based masks of the language model (dropout_mask_ctr,
// docs/distributed.md), on PTB medium's layer shape (35 x 20 rows of 650 units, p = 0.5).
//   build/dropout_mask_bench
#include <benchmark/benchmark.h>

#include <vector>

#include "layers/dropout.h"

namespace {

constexpr int kT = 35, kB = 20, kW = 650;

void BM_MaskMt19937(benchmark::State& st) {
  rnngen::Rng rng(1);
  std::vector<float> m;
  for (auto _ : st) {
    rnngen::layers::dropout_draw_mask(static_cast<size_t>(kT) * kB * kW, 0.5, rng, m);
    benchmark::DoNotOptimize(m.data());
  }
  st.SetItemsProcessed(st.iterations() * kT * kB * kW);
}

void BM_MaskCounter(benchmark::State& st) {
  std::vector<float> m;
  int64_t step = 0;
  for (auto _ : st) {
    rnngen::layers::dropout_mask_ctr(kT, kB, kW, 0.5, 1, {rnngen::layers::dropout_step_key(1, step++), 0}, m);
    benchmark::DoNotOptimize(m.data());
  }
  st.SetItemsProcessed(st.iterations() * kT * kB * kW);
}

BENCHMARK(BM_MaskMt19937);
BENCHMARK(BM_MaskCounter);

}  // namespace

BENCHMARK_MAIN();
