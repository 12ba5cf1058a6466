// rnngen bench: training and generation throughput on synthetic data (src/train/bench.h).
#include <cstdio>

#include "commands.h"
#include "train/bench.h"

namespace rnngen::cli {

void add_bench(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("bench", "Measure training and generation speed on synthetic token ids");
  auto o = std::make_shared<train::BenchOptions>();
  auto json = std::make_shared<bool>(false);
  sub->add_option("--cell", o->cell, "lstm | gru | rnn | rnn_relu")->capture_default_str();
  sub->add_option("--embed-size", o->embed, "embedding size (0 = one-hot)")->capture_default_str();
  sub->add_option("--hidden-size", o->hidden, "hidden units per layer")->capture_default_str();
  sub->add_option("--num-layers", o->layers, "recurrent layers")->capture_default_str();
  sub->add_option("--vocab", o->vocab, "vocabulary size")->capture_default_str();
  sub->add_option("--batch-size", o->batch, "training batch")->capture_default_str();
  sub->add_option("--seq-len", o->seq, "training window (BPTT steps)")->capture_default_str();
  sub->add_option("--dropout", o->dropout, "dropout between layers and before the decoder")->capture_default_str();
  sub->add_flag("--carry", o->carry, "carry the state across windows (word-level training)");
  sub->add_option("--threads", o->threads, "threads")->capture_default_str();
  sub->add_option("--repeats", o->repeats, "timed repeats (medians and min..max over them)")->capture_default_str();
  sub->add_option("--warmup", o->warmup, "untimed training steps first")->capture_default_str();
  sub->add_option("--steps", o->steps, "training steps per repeat (0: about 0.5 s)")->capture_default_str();
  sub->add_option("--mode", o->mode, "train | generate | both")->capture_default_str();
  sub->add_option("--gen-batch", o->gen_batch, "batch of the second generation measurement")->capture_default_str();
  sub->add_flag("--exact-batching", o->exact_batching,
                "run the batch as `rnngen serve` does: every row bitwise as at batch 1 (ops/gemv_batch.h)");
  sub->add_option("--gen-tokens", o->gen_tokens, "batch-1 tokens per repeat (0: auto)")->capture_default_str();
  sub->add_option("--weights", o->weights, "generation weights: fp32 | bf16 | int8")->capture_default_str();
  sub->add_option("--precision", o->precision, "training GEMMs: fp32 | bf16 (as train --precision)")
      ->capture_default_str();
  sub->add_flag("--gemm-stats", o->gemm_stats,
               "training: count the GEMMs' FLOPs and time, then measure the SGEMM peak and compare");
  sub->add_option("--peak-size", o->peak_size, "size of the square SGEMM the peak is measured on")
      ->capture_default_str()->check(CLI::Range(64, 8192));
  sub->add_option("--seed", o->seed, "random seed")->capture_default_str();
  sub->add_flag("--json", *json, "print one JSON object instead of a table");
  sub->callback([&run, o, json] {
    run = [o, json] {
      const train::BenchResult r = train::run_bench(*o);
      std::fputs((*json ? train::bench_json(r) + "\n" : train::bench_table(r)).c_str(), stdout);
      return 0;
    };
  });
}

}  // namespace rnngen::cli
