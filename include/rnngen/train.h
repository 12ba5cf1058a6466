// Training from C++ (and through it, from Python) in the calling process: `rnngen train` with
// the same arguments, so the model directory it writes is byte for byte the command line's for
// the same seed and threads.
//
//   rnngen::TrainHooks h;  h.on_log = [](std::string_view record) { std::cout << record << "\n"; };
//   rnngen::train_model({"input.txt", "--out", "mymodel", "--hidden-size", "128", "-q"}, h);
//
// Bad arguments or input throw rnngen::InputError with the command line's one-line message;
// TrainingDiverged and other failures are std::runtime_errors. --threads sets the process's
// GEMM threads (as set_num_threads does).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rnngen {

struct TrainHooks {
  // Each record as it is appended to OUT/train_log.jsonl (one JSON object, no newline).
  std::function<void(std::string_view record)> on_log;
  // Polled before every step: true stops training as Ctrl-C does (checkpoint, save, return).
  std::function<bool()> stop_requested;
};

struct TrainSummary {
  int64_t steps = 0, tokens = 0;
  double best_val_nll = -1;  // -1 without validation data
  double last_train_nll = 0, elapsed_s = 0;
  std::string stopped_by;  // "epochs" | "max-steps" | "max-time" | "interrupt"
  int signal = 0;          // the stop signal (SIGINT, SIGTERM, SIGHUP) that ended it, else 0
};

// args: what follows `rnngen train` on its command line.
// (Not `train`: that name is the library's namespace rnngen::train.)
TrainSummary train_model(const std::vector<std::string>& args, const TrainHooks& hooks = {});

}  // namespace rnngen
