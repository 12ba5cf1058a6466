// rnngen eval DIR FILE [--json]: score a text with a model, as the contract defines it.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "models/model_dir.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "text/utf8.h"
#include "train/evaluate.h"
#include "util/progress.h"

namespace rnngen::cli {

void add_eval(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("eval", "Score a text file with a model (NLL, perplexity, bits per token)");
  struct Opts {
    std::string dir, file;
    bool json = false;
    int threads = 0;
    std::string weights;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("DIR", o->dir, "model directory")->required();
  sub->add_option("FILE", o->file, "UTF-8 text to score")->required();
  sub->add_flag("--json", o->json, "print one JSON object instead of a sentence");
  sub->add_option("--weights", o->weights,
                  "score token by token through the generation path with fp32, bf16 or int8 weights "
                  "(default: whole windows, fp32)");
  sub->add_option("--threads", o->threads, "threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sub->callback([&run, o] {
    run = [o] {
      if (o->threads > 0) ops::set_num_threads(o->threads);
      models::LoadedModel m = models::load_model_dir(o->dir);
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
