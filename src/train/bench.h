// `rnngen bench`: throughput of training steps and generation on synthetic token ids (uniform
// over the vocabulary; no data, no files). A training step is what the trainer does per batch:
// forward, mean cross-entropy, backward, clip_grad_norm(5), Adam. Generation steps the model
// one token at a time (models::LmStepper) at batch 1 and at --gen-batch, feeding back the
// argmax. Every figure is a median over --repeats timed repeats with its min and max; tokens/s
// are given per wall second and per second of process CPU time (the steadier one on a shared
// machine). For batch-1 generation it also measures the read bandwidth (per CPU second) over a
// buffer as large as the weights one token reads, and the floor that gives (bytes / bandwidth),
// which it compares with the CPU milliseconds per token. For fp32 or bf16 weights at --gen-batch
// it gives the batch's floor too: a step's multiply-adds at the machine's SGEMM peak (or the
// weights' read floor, whichever is longer), and what that floor allows a stream against batch 1:
// its time per token at least floor / batch-1 time, the aggregate at most B times the inverse
// (issue 19's batching targets are these two ratios). With gemm_stats it also reports how
// fast the training step's GEMMs run against the machine's SGEMM peak (measured after the peak
// RSS is read, so the peak's matrices do not count in it).
#pragma once
#include <cstdint>
#include <string>

namespace rnngen::train {

struct BenchOptions {
  std::string cell = "lstm";
  int embed = 64, hidden = 128, layers = 1, vocab = 65;
  int batch = 64, seq = 64;  // training batch x window
  double dropout = 0;
  bool carry = false;        // carry the state across windows (word-level LMs)
  int threads = 1, repeats = 5, warmup = 2;
  int steps = 0;             // training steps per repeat (0: about 0.5 s of work)
  std::string mode = "both"; // train | generate | both
  int gen_batch = 64, gen_tokens = 0;  // tokens per repeat (0: auto)
  bool exact_batching = false;          // the batch as the server runs it (LmStepper::set_exact_batching)
  std::string weights = "fp32";        // generation weights: fp32 | bf16 | int8
  std::string precision = "fp32";      // training GEMMs: fp32 | bf16 (train --precision)
  bool gemm_stats = false;  // count training GEMM FLOPs and time; measure the SGEMM peak
  int peak_size = 2048;     // the peak's square SGEMM size
  uint64_t seed = 1;
};

struct Spread {
  double median = 0, min = 0, max = 0;
};

struct BenchResult {
  BenchOptions opt;
  int train_steps = 0;
  Spread train_tps, train_cpu_tps, step_ms;
  double loss = 0;
  Spread gen1_ms, gen1_cpu_tps, genb_tps, genb_cpu_tps;  // gen1_ms: wall ms per token at batch 1
  double weight_bytes = 0;
  Spread bandwidth_gbs;  // read bandwidth over weight_bytes, per CPU second
  double floor_ms = 0;   // weight_bytes / median bandwidth
  // --gen-batch B > 1 with fp32 or bf16 weights: FLOPs of one batched step (2 per weight per
  // stream), the SGEMM peak measured after the run (same threads), and the step's floor:
  // max(FLOPs / peak, floor_ms).
  double genb_gflop_per_step = 0, genb_peak_gflops = 0, genb_floor_ms = 0;
  double peak_rss_mb = 0;
  // --gemm-stats (training): GEMM FLOPs per step, their rate per wall second inside the GEMM
  // calls and per wall second of the whole step, the SGEMM peak measured after the run (same
  // threads), and the share of the step spent in GEMMs.
  double gemm_gflop_per_step = 0, gemm_gflops = 0, step_gflops = 0, sgemm_peak_gflops = 0;
  double gemm_time_share = 0;
};

BenchResult run_bench(const BenchOptions& o);
std::string bench_json(const BenchResult& r);   // one line
std::string bench_table(const BenchResult& r);  // for people

}  // namespace rnngen::train
