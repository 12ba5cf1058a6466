// Opt-in accounting of the float GEMMs (ops::gemm, ops::PackedGemm): FLOPs and the wall time
// spent inside them, so `rnngen bench --gemm-stats` can say how close the training step's GEMMs
// run to the machine's SGEMM peak (issue 6). Off by default; when off a GEMM pays one relaxed load.
#pragma once
#include <cstdint>

namespace rnngen::ops {

struct GemmStats {
  double flops = 0;        // 2*m*n*k summed over calls
  double seconds = 0;      // wall seconds inside GEMM calls; concurrent calls from the threads of
                           // one parallel region count as (their summed time / team size)
  uint64_t calls = 0;
};

void gemm_stats_enable(bool on);
bool gemm_stats_enabled();
GemmStats gemm_stats_take();  // returns what was counted since the last take, and resets

// Used by ops::gemm and ops::PackedGemm: one call's FLOPs and duration, from the calling thread.
void gemm_stats_add(double flops, double seconds);

// SGEMM rate of `size`^3 products at the current thread count: best-of-`repeats` GFLOP/s per
// wall second after one warm-up call (the "peak" the accounting above is compared with).
double sgemm_peak_gflops(int size, int repeats);

}  // namespace rnngen::ops
