// rnngen sample DIR: generate text, streamed to stdout as it is produced.
#include <cstdio>
#include <optional>
#include <random>
#include <sstream>

#include "commands.h"
#include "models/model_dir.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "sample/generate.h"
#include "sample/prompt.h"
#include "text/utf8.h"

namespace rnngen::cli {

void add_sample(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("sample", "Generate text from a model");
  struct Opts {
    std::string dir, prime, stop, skip, weights = "fp32";
    int length = 500, num_samples = 1, threads = 1;
    double temperature = 1.0, top_p = 1.0;
    // Optionals, not sentinels: every number typed on the command line is checked.
    std::optional<int> top_k;
    bool greedy = false;
    std::optional<uint64_t> seed;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("DIR", o->dir, "model directory")->required();
  sub->add_option("--prime", o->prime, "text to start from (printed first)");
  sub->add_option("--length", o->length, "tokens to generate")->capture_default_str();
  sub->add_option("--temperature", o->temperature, "softmax temperature: p^(1/T) renormalised; 0 = greedy")->capture_default_str();
  sub->add_option("--top-k", o->top_k, "sample among the K most likely tokens (K >= 1; default: all)");
  sub->add_option("--top-p", o->top_p, "sample among the most likely tokens covering probability P")->capture_default_str();
  sub->add_flag("--greedy", o->greedy, "always take the most likely token");
  sub->add_option("--seed", o->seed, "random seed (default: a fresh one each run)")->check(not_negative());
  sub->add_option("--stop", o->stop, "stop once the generated text contains this string");
  sub->add_option("--num-samples", o->num_samples, "independent samples, separated by a blank line")->capture_default_str();
  sub->add_option("--skip-tokens", o->skip, "space-separated tokens that are never generated");
  sub->add_option("--threads", o->threads, "threads (>= 1)")->capture_default_str();
  sub->add_option("--weights", o->weights, "weights of the token-by-token steps: fp32 | bf16 (half the bytes per token) | int8 (a quarter, inputs quantised per step)")->capture_default_str();
  sub->callback([&run, o] {
    run = [o] {
      if (o->length < 1) throw InputError("--length must be >= 1, got " + std::to_string(o->length));
      if (o->num_samples < 1) throw InputError("--num-samples must be >= 1, got " + std::to_string(o->num_samples));
      if (o->top_k && *o->top_k < 1) throw InputError("--top-k must be >= 1, got " + std::to_string(*o->top_k));
      if (o->threads < 1) throw InputError("--threads must be >= 1, got " + std::to_string(o->threads));
      sample::GenerateOptions g;
      g.length = o->length;
      g.stop = o->stop;
      g.weights = models::parse_weight_format(o->weights);
      g.sampling.temperature = o->temperature;
      g.sampling.greedy = o->greedy;
      g.sampling.top_k = o->top_k.value_or(0);
      g.sampling.top_p = o->top_p;
      validate(g.sampling);  // flags first: a typo should not wait for a large model to load
      ops::set_num_threads(o->threads);
      models::LoadedModel m = models::load_model_dir(o->dir);
      models::require_task(m, o->dir, "lm", "rnngen sample");
      std::istringstream skip(o->skip);
      std::vector<std::string> skip_tokens;
      for (std::string t; skip >> t;) skip_tokens.push_back(t);
      g.sampling.banned = sample::skip_token_ids(*m.tokenizer, skip_tokens);
      const sample::Prime p = sample::encode_prime(*m.tokenizer, o->prime, "--prime");
      const std::string& prime = p.text;
      const std::vector<int32_t>& prime_ids = p.ids;
      const uint64_t seed = o->seed ? *o->seed : std::random_device{}();
      Rng rng(seed);
      for (int s = 0; s < o->num_samples; ++s) {
        if (s) std::fputs("\n\n", stdout);
        std::fputs(prime.c_str(), stdout);
        // Without a prime: as at a line start where the tokenizer has such a token, else a
        // random first token (the book's "start word", drawn).
        const int32_t start = sample::start_token(*m.tokenizer, rng);
        sample::generate(*m.net, *m.tokenizer, prime_ids, start, g, rng, [](std::string_view piece) {
          std::fwrite(piece.data(), 1, piece.size(), stdout);
          std::fflush(stdout);
        });
      }
      std::fputs("\n", stdout);
      return 0;
    };
  });
}

}  // namespace rnngen::cli
