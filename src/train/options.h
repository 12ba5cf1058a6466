// Every training option, with its default. The CLI binds each field to the flag of the same
// name (contract section 2); validate() checks them all at the boundary, naming the flag.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rnngen::train {

struct TrainOptions {
  std::vector<std::string> data;  // training text files, concatenated
  std::string out;                // model directory
  std::string task = "lm";        // lm | seq2seq

  // Seq2seq data and network (--task seq2seq)
  std::string separator = "\t";   // between source and target on each line
  std::string source_column, target_column;  // CSV data: the columns (both or neither)
  std::string decoder = "plain";  // plain | peeky | attention
  bool reverse_source = false;
  bool bidirectional_encoder = false;
  int max_target_len = 0;          // refuse longer targets, in tokens (0 = no limit)

  // Text
  std::string tokenizer = "char";    // char | word | jamo | subword
  std::string word_style = "keras";  // keras | ptb (with --tokenizer word)
  int num_words = -1;                // word: keep the most frequent N-1 words (Keras); -1 = all
  std::string oov_token;             // word: token for unknown words ("" = none)
  int vocab_size = 0;                // subword: pieces (0 = 8000)
  std::string subword_model = "unigram";  // unigram | bpe
  std::string sequences = "stream";  // stream | lines

  // Network
  std::string cell = "lstm";
  int embed_size = 64;
  int hidden_size = 256;
  int num_layers = 2;
  double dropout = 0.0;
  double embed_dropout = 0.0;  // opt-in: also on the embedding output (Zaremba, PyTorch's recipe)
  bool tie_weights = false;
  std::string init = "pytorch";  // pytorch | keras | uniform:A

  // Schedule
  int seq_len = 100;
  int batch_size = 32;
  int epochs = 20;
  int64_t max_steps = 0;  // 0 = no limit
  double max_time = 0;    // seconds, 0 = no limit
  std::string optimizer = "adam";
  // Not given: the optimizer's usual default (adam 2e-3, sgd 1, rmsprop 1e-3). An optional
  // rather than a sentinel value, so that every number the user types is checked.
  std::optional<double> lr;
  double clip = 5.0;  // global gradient norm, 0 = off
  // Not given: the optimizer's own (adamw 0.01, the others 0). L2 added to the gradient for sgd,
  // adam and rmsprop; decoupled (p *= 1 - lr * wd) for adamw, as in torch.optim.
  std::optional<double> weight_decay;
  std::string lr_schedule = "constant";  // constant | step | plateau | cosine | linear
  int64_t warmup = 0;    // steps of linear warm-up at the start (any schedule)
  double min_lr = 0.0;   // where cosine and linear end
  double lr_decay = 0.5;
  int lr_decay_after = 0;

  // Validation and bookkeeping
  std::string val;            // validation text file
  double val_fraction = 0.1;  // last fraction of the data when no --val (0 = none)
  int64_t eval_every = 0;     // steps between validations (0 = once per epoch)
  // Held-out tokens scored by each validation during training (0 = all); the whole held-out
  // text is scored at the end, for the model that is kept.
  int64_t val_sample = 50000;
  int64_t checkpoint_every = 500;
  int64_t sample_every = 0;   // steps between sample printouts (0 = off)
  int sample_length = 200;
  uint64_t seed = 1234;
  int threads = 0;  // 0 = all cores
  // auto | fp32 | bf16: GEMM inputs in bf16, fp32 sums (AVX512-BF16 CPUs). auto = bf16 for
  // language models where the CPU has AVX512-BF16, fp32 elsewhere (resolve_precision).
  std::string precision = "auto";
  bool resume = false;
  std::string resume_from;  // a checkpoint file to resume from instead of the newest (implies resume)
  bool force = false;  // allow overwriting an existing model in --out
  bool quiet = false;

  // Several processes (mpirun; docs/distributed.md)
  double mpi_timeout = 300;     // seconds a collective may wait for the other processes
  double bucket_mb = 4;         // MiB of gradients per allreduce bucket
  bool overlap = true;          // start a bucket's allreduce during backward (off: after it)

  // Not flags: for callers in the same process (include/rnngen/train.h). on_log gets each
  // record as it is appended to train_log.jsonl; stop_requested, polled before every step,
  // stops training as a stop signal does (checkpoint, save, return).
  std::function<void(const std::string& record)> on_log;
  std::function<bool()> stop_requested;
};

// InputError naming the flag for any value out of range.
void validate(const TrainOptions& o);

// InputError unless p is fp32, or bf16 on a CPU that has AVX512-BF16 (train and bench).
void check_precision(const std::string& p);

// What --precision auto means for this task on this CPU: bf16 for language models where the
// CPU has AVX512-BF16 (its held-out loss matches fp32's: docs/quality.md), fp32 otherwise
// (seq2seq in bf16 has not been measured). Other values are returned as they are.
std::string resolve_precision(const std::string& precision, const std::string& task);

// Turns the bf16 GEMMs on for `--precision bf16` while it lives, and back as they were after.
class PrecisionScope {
 public:
  explicit PrecisionScope(const std::string& precision);
  ~PrecisionScope();
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

 private:
  bool before_;
};

}  // namespace rnngen::train
