// rnngen eval DIR FILE [--json]: score a text with a model, as the contract defines it.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "train/seq2seq_eval.h"
#include "models/model_dir.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "text/utf8.h"
#include "train/evaluate.h"
#include "util/progress.h"

namespace rnngen::cli {

namespace {

// `eval` of a seq2seq model: the pairs of FILE, scored by train::score_pairs.
template <typename Opts>
int eval_seq2seq(const models::LoadedModel& m, const Opts& o) {
  if (o.source_column.empty() != o.target_column.empty())
    throw InputError("--source-column and --target-column go together");
  if (!o.weights.empty()) throw InputError("--weights is for language models");
  const std::string sep = o.separator.value_or(m.config().separator.empty() ? "\t" : m.config().separator);
  if (sep.empty()) throw InputError("--separator must not be empty");
  const auto t0 = std::chrono::steady_clock::now();
  const auto pairs = train::encode_pairs(*m.tokenizer, train::read_pair_files({o.file}, sep, o.source_column, o.target_column), o.file);
  Progress progress(isatty(STDERR_FILENO) != 0);
  const train::Seq2seqScore s = train::score_pairs(*m.seq2seq, *m.tokenizer, pairs, 256, [&](int64_t done, int64_t total) {
    progress.update("eval: " + std::to_string(done) + " / " + std::to_string(total) + " examples");
  });
  progress.clear();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::ordered_json j;
  j["examples"] = s.examples;
  j["accuracy"] = s.accuracy();
  j["correct"] = s.correct;
  j["tokens"] = s.tokens;
  j["nll"] = s.nll();
  j["perplexity"] = std::exp(s.nll());
  j["bits_per_token"] = s.nll() / std::log(2.0);
  j["seconds"] = secs;
  j["greedy_seconds"] = s.greedy_seconds;
  if (o.json)
    std::printf("%s\n", j.dump().c_str());
  else
    std::printf("%s: %lld examples, accuracy %.2f%% (%lld exact), nll %.4f nats/token, perplexity %.4f (%.2f s)\n",
                o.file.c_str(), static_cast<long long>(s.examples), 100 * s.accuracy(), static_cast<long long>(s.correct),
                s.nll(), std::exp(s.nll()), secs);
  return 0;
}

}  // namespace

void add_eval(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("eval", "Score a text file with a model (NLL, perplexity, bits per token)");
  struct Opts {
    std::string dir, file;
    bool json = false;
    int threads = 0;
    std::string weights;
    std::optional<std::string> separator;
    std::string source_column, target_column;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("DIR", o->dir, "model directory")->required();
  sub->add_option("FILE", o->file, "UTF-8 text to score")->required();
  sub->add_flag("--json", o->json, "print one JSON object instead of a sentence");
  sub->add_option("--weights", o->weights,
                  "score token by token through the generation path with fp32, bf16 or int8 weights "
                  "(default: whole windows, fp32)");
  sub->add_option("--threads", o->threads, "threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--separator", o->separator, "seq2seq: between source and target (default: the training data's)");
  sub->add_option("--source-column", o->source_column, "seq2seq, CSV data: the source column");
  sub->add_option("--target-column", o->target_column, "seq2seq, CSV data: the target column");
  sub->callback([&run, o] {
    run = [o] {
      if (o->threads > 0) ops::set_num_threads(o->threads);
      models::LoadedModel m = models::load_model_dir(o->dir);
      if (m.seq2seq) return eval_seq2seq(m, *o);
      const std::string text = text::read_text_file(o->file);
      const auto t0 = std::chrono::steady_clock::now();
      // A live line on a terminal only (a pipe or a file gets nothing), erased when the result prints.
      Progress progress(isatty(STDERR_FILENO) != 0);
      const auto show = [&](int64_t done, int64_t total) {
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
        progress.update("eval: " + format_count(static_cast<double>(done)) + " / " +
                        format_count(static_cast<double>(total)) + " tokens  " + format_count(rate) + " tok/s  ETA " +
                        format_duration(rate > 0 ? static_cast<double>(total - done) / rate : -1));
      };
      const train::TextScore s = train::score_text(
          *m.net, *m.tokenizer, text, o->file,
          o->weights.empty() ? std::nullopt : std::optional(models::parse_weight_format(o->weights)), show);
      progress.clear();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // nll averages over the N - 1 predicted tokens; with one token there is nothing to score.
      if (s.stream.tokens < 2)
        throw InputError(o->file + ": " + std::to_string(s.stream.tokens) +
                         " token; eval needs at least 2 (the first is only context)");
      const double nll = s.stream.nll();
      nlohmann::ordered_json j;
      j["tokens"] = s.stream.tokens;
      j["nll"] = nll;
      j["perplexity"] = std::exp(nll);
      j["bits_per_token"] = nll / std::log(2.0);
      // Per word as the PTB literature counts it: every word token predicted, "<eos>" included
      // (ptb style); keras-style text has no end-of-line token, so its figure counts words only.
      if (s.word_level) j["word_perplexity"] = std::exp(nll);
      j["bits_per_char"] = s.bits_per_char();
      j["characters"] = s.characters;
      j["predicted_characters"] = s.predicted_characters;
      j["seconds"] = secs;
      j["tokens_per_s"] = secs > 0 ? static_cast<double>(s.stream.predicted) / secs : 0.0;
      if (o->json) {
        std::printf("%s\n", j.dump().c_str());
      } else {
        std::printf("%s: %lld tokens, nll %.4f nats/token, perplexity %.3f, %.4f bits/token, %.4f bits/char (%.0f tokens/s)\n",
                    o->file.c_str(), static_cast<long long>(s.stream.tokens), nll, std::exp(nll),
                    nll / std::log(2.0), s.bits_per_char(), j["tokens_per_s"].get<double>());
      }
      return 0;
    };
  });
}

}  // namespace rnngen::cli
