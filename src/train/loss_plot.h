// `rnngen plot`: training and validation loss against tokens seen, drawn by gnuplot into a
// PNG. gnuplot runs as a child process on a script and data files written to a private temp
// dir; the PNG is drawn into a temporary file next to the target and renamed over it, so a
// reader never sees half an image.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "rnngen/config.h"
#include "train/train_log.h"

namespace rnngen::train {

struct LossPlotOptions {
  std::string dir;  // model directory: train_log.jsonl (required), config.json (for the title)
  std::string out;  // PNG to write; empty = DIR/loss.png
  int width = 1000, height = 600;
};

struct LossPlotResult {
  std::string path;                 // the PNG written
  size_t points = 0;                // log records plotted
  std::optional<LogRecord> best;    // the record with the lowest val_nll, if any
};

// InputError (exit 2) for a missing or empty log, a missing gnuplot ("install gnuplot-nox")
// or an output path that cannot be written; std::runtime_error when gnuplot itself fails.
LossPlotResult plot_losses(const LossPlotOptions& options);

// Seq2seq: validation accuracy per epoch (the book's figure 7-25) into `out` (default
// DIR/accuracy.png); "" when the log has no accuracy.
std::string plot_accuracy(const std::string& dir, const std::string& out);

// An attention map (the book's figure 8-26): source tokens across, output tokens down,
// weights[i][j] the weight of source token j when writing output token i.
void plot_attention(const std::string& path, const std::vector<std::string>& source,
                    const std::vector<std::string>& output, const std::vector<std::vector<float>>& weights);

// What the plot says, separated from drawing it so tests can read it.
// "LSTM, 2 x 256, embedding 64, vocab 65" ("one-hot input" for embed_size 0).
std::string describe_model(const ModelConfig& config);
// The record with the lowest val_nll (the first of equals), or nullopt without validation.
std::optional<LogRecord> best_validation(const std::vector<LogRecord>& log);

}  // namespace rnngen::train
