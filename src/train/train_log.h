// Reading DIR/train_log.jsonl back: one record per evaluation, as the trainer writes them
// (contract section 2: step, epoch, tokens, train_nll, val_nll (null without validation
// data), lr, tokens_per_s, elapsed_s).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rnngen::train {

struct LogRecord {
  int64_t step = 0;
  double epoch = 0;
  int64_t tokens = 0;
  double train_nll = 0;
  std::optional<double> val_nll;  // absent when the run had no validation data
  std::optional<double> val_accuracy;  // seq2seq only
  double lr = 0;
  double tokens_per_s = 0;
  double elapsed_s = 0;
};

// Every record of the log, in file order. Blank lines are skipped. InputError naming the file
// when it is missing or holds no record, and "PATH:LINE: ..." for a line that is not a JSON
// object with the fields above.
std::vector<LogRecord> read_train_log(const std::string& path);

}  // namespace rnngen::train
