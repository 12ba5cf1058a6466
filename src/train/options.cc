#include "train/options.h"

#include <cmath>
#include <set>

#include "ops/bf16_gemm.h"
#include "ops/cpu.h"
#include "rnngen/error.h"

namespace rnngen::train {

static void require(bool ok, const std::string& msg) {
  if (!ok) throw InputError(msg);
}

template <typename V>
static std::string str(V v) {
  if constexpr (std::is_same_v<V, double>) {
    if (std::isnan(v)) return "nan";
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  } else {
    return std::to_string(v);
  }
}

static void one_of(const std::string& flag, const std::string& v, std::set<std::string> allowed) {
  if (allowed.count(v)) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw InputError(flag + ": '" + v + "' is not one of " + list);
}

void validate(const TrainOptions& o) {
  require(!o.data.empty(), "train: give at least one training text file");
  require(!o.out.empty(), "--out: a model directory is required");
  one_of("--task", o.task, {"lm", "seq2seq"});
  one_of("--decoder", o.decoder, {"plain", "peeky", "attention"});
  require(!o.separator.empty(), "--separator must not be empty");
  require(o.source_column.empty() == o.target_column.empty(),
          "--source-column and --target-column go together (CSV data)");
  require(o.max_target_len >= 0, "--max-target-len must be >= 0 (0 = no limit), got " + str(o.max_target_len));
  require(o.task == "seq2seq" || (o.source_column.empty() && !o.reverse_source && !o.bidirectional_encoder &&
                                  o.decoder == "plain"),
          "--source-column, --target-column, --decoder, --reverse-source and --bidirectional-encoder need --task seq2seq");
  require(o.task != "seq2seq" || o.embed_size >= 1, "--embed-size must be >= 1 for --task seq2seq");
  require(o.task != "seq2seq" || !o.tie_weights, "--tie-weights is for language models, not --task seq2seq");
  require(o.task != "seq2seq" || o.embed_dropout == 0, "--embed-dropout is for language models, not --task seq2seq");
  one_of("--tokenizer", o.tokenizer, {"char", "word", "jamo", "subword"});
  one_of("--word-style", o.word_style, {"keras", "ptb"});
  one_of("--sequences", o.sequences, {"stream", "lines"});
  one_of("--cell", o.cell, {"lstm", "gru", "rnn", "rnn_relu"});
  one_of("--lr-schedule", o.lr_schedule, {"constant", "step", "plateau", "cosine", "linear"});
  require(o.warmup >= 0, "--warmup must be >= 0 steps, got " + str(o.warmup));
  require(std::isfinite(o.min_lr) && o.min_lr >= 0, "--min-lr must be >= 0, got " + str(o.min_lr));
  require(o.val_sample >= 0, "--val-sample must be >= 0 tokens (0 = all), got " + str(o.val_sample));
  one_of("--subword-model", o.subword_model, {"unigram", "bpe"});
  require(o.num_words == -1 || o.num_words >= 1, "--num-words must be at least 1, got " + str(o.num_words));
  require(o.embed_size >= 0, "--embed-size must be >= 0 (0 = one-hot input), got " + str(o.embed_size));
  require(o.hidden_size >= 1, "--hidden-size must be >= 1, got " + str(o.hidden_size));
  require(o.num_layers >= 1, "--num-layers must be >= 1, got " + str(o.num_layers));
  require(std::isfinite(o.dropout) && o.dropout >= 0 && o.dropout < 1,
          "--dropout must be in [0, 1), got " + str(o.dropout));
  require(std::isfinite(o.embed_dropout) && o.embed_dropout >= 0 && o.embed_dropout < 1,
          "--embed-dropout must be in [0, 1), got " + str(o.embed_dropout));
  require(o.embed_dropout == 0 || o.embed_size > 0, "--embed-dropout needs an embedding (--embed-size > 0)");
  require(!o.tie_weights || o.embed_size == o.hidden_size,
          "--tie-weights needs --embed-size equal to --hidden-size (got " + str(o.embed_size) + " and " +
              str(o.hidden_size) + ")");
  require(o.seq_len >= 1, "--seq-len must be >= 1, got " + str(o.seq_len));
  require(o.batch_size >= 1, "--batch-size must be >= 1, got " + str(o.batch_size));
  require(o.epochs >= 1, "--epochs must be >= 1, got " + str(o.epochs));
  require(o.max_steps >= 0, "--max-steps must be >= 0, got " + str(o.max_steps));
  require(std::isfinite(o.max_time) && o.max_time >= 0, "--max-time must be >= 0 seconds, got " + str(o.max_time));
  require(!o.lr || (std::isfinite(*o.lr) && *o.lr > 0), "--lr must be a positive number, got " + str(o.lr.value_or(0)));
  require(std::isfinite(o.clip) && o.clip >= 0, "--clip must be >= 0 (0 = off), got " + str(o.clip));
  require(!o.weight_decay || (std::isfinite(*o.weight_decay) && *o.weight_decay >= 0),
          "--weight-decay must be >= 0, got " + str(o.weight_decay.value_or(0)));
  require(std::isfinite(o.lr_decay) && o.lr_decay > 0 && o.lr_decay <= 1,
          "--lr-decay must be in (0, 1], got " + str(o.lr_decay));
  require(o.lr_decay_after >= 0, "--lr-decay-after must be >= 0, got " + str(o.lr_decay_after));
  require(std::isfinite(o.val_fraction) && o.val_fraction >= 0 && o.val_fraction < 1,
          "--val-fraction must be in [0, 1), got " + str(o.val_fraction));
  require(o.eval_every >= 0, "--eval-every must be >= 0, got " + str(o.eval_every));
  require(o.checkpoint_every >= 1, "--checkpoint-every must be >= 1, got " + str(o.checkpoint_every));
  require(o.sample_every >= 0, "--sample-every must be >= 0, got " + str(o.sample_every));
  require(o.sample_length >= 1, "--sample-length must be >= 1, got " + str(o.sample_length));
  require(o.threads >= 0, "--threads must be >= 0, got " + str(o.threads));
  require(o.mpi_timeout > 0, "--mpi-timeout must be > 0 seconds, got " + str(o.mpi_timeout));
  require(o.bucket_mb > 0, "--bucket-mb must be > 0, got " + str(o.bucket_mb));
  require(o.vocab_size >= 0, "--vocab-size must be >= 0, got " + str(o.vocab_size));
  require(!(o.resume && o.force), "--resume and --force contradict each other");
  if (o.precision != "auto") check_precision(o.precision);
}

void check_precision(const std::string& p) {
  require(p == "fp32" || p == "bf16", "--precision must be fp32 or bf16, got " + p);
  require(p == "fp32" || ops::avx512_bf16(),
          "--precision bf16 needs a CPU with AVX512-BF16 (AMD Zen 4 or later, Intel Cooper Lake or Sapphire "
          "Rapids or later); this one has none");
}

std::string resolve_precision(const std::string& precision, const std::string& task) {
  if (precision != "auto") return precision;
  return task == "lm" && ops::avx512_bf16() ? "bf16" : "fp32";
}

PrecisionScope::PrecisionScope(const std::string& precision) : before_(ops::bf16_gemms()) {
  ops::set_bf16_gemms(precision == "bf16");
}
PrecisionScope::~PrecisionScope() { ops::set_bf16_gemms(before_); }

}  // namespace rnngen::train
