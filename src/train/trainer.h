// `rnngen train`: read text, build or restore the tokenizer and model, run truncated BPTT with
// validation, logging, checkpoints and samples, and leave the best model in --out.
#pragma once
#include <cstdint>
#include <string>

#include "train/options.h"

namespace rnngen::train {

struct TrainResult {
  int64_t steps = 0;
  int64_t tokens = 0;
  double best_val_nll = -1;  // -1 without validation data
  double last_train_nll = 0;
  double elapsed_s = 0;
  std::string stopped_by;  // "epochs" | "max-steps" | "max-time" | "interrupt"
};

TrainResult run_training(const TrainOptions& options);

}  // namespace rnngen::train
