// `rnngen train`: read text, build or restore the tokenizer and model, run truncated BPTT with
// validation, logging, checkpoints and samples, and leave the best model in --out.
#pragma once
#include <cstdint>
#include <stdexcept>
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
  int signal = 0;          // for "interrupt": the signal (SIGINT, SIGTERM or SIGHUP)
  bool root = true;        // this process reports (rank 0 of several under mpirun, or the only one)
};

// Thrown by run_training at the first step whose loss or gradient norm is not finite, or when
// the weights are not finite where they would be saved: SGD does not come back from NaN weights,
// and every later step would only burn time (and, without validation data, save NaN weights
// over the model). Nothing is written after the last finite step, so --out keeps its last
// saved model and checkpoint. The CLI prints the message (one line) and exits 1.
class TrainingDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

TrainResult run_training(const TrainOptions& options);

}  // namespace rnngen::train
