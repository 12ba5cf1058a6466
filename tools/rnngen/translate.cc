// rnngen translate DIR: answers from a seq2seq model, one per input line (stdin) or --input.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "models/model_dir.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "sample/translate.h"
#include "text/utf8.h"
#include "train/loss_plot.h"
#include "train/seq2seq_eval.h"

namespace rnngen::cli {

void add_translate(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("translate", "Answer each input line with a seq2seq model (greedy or beam search)");
  struct Opts {
    std::string dir, attention_map;
    std::optional<std::string> input;
    int beam = 1, n_best = 1, max_len = 0, threads = 1;
    double length_penalty = 1.0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("DIR", o->dir, "seq2seq model directory")->required();
  sub->add_option("--input", o->input, "translate this text (default: each line of stdin)");
  sub->add_option("--beam", o->beam, "beam width (1 = greedy)")->capture_default_str();
  sub->add_option("--n-best", o->n_best, "answers per input, best first (<= --beam)")->capture_default_str();
  sub->add_option("--max-len", o->max_len, "tokens per answer at most (default: the longest training answer)");
  sub->add_option("--length-penalty", o->length_penalty,
                  "beams rank by log-probability / length^A (0: total log-probability, 1: per token)")->capture_default_str();
  sub->add_flag("--json", o->json, "one JSON object per input: output, score, logprob (and n_best)");
  sub->add_option("--attention-map", o->attention_map, "draw the attention weights of the (one) --input as a PNG");
  sub->add_option("--threads", o->threads, "threads (>= 1)")->capture_default_str();
  sub->callback([&run, o] {
    run = [o] {
      if (o->beam < 1) throw InputError("--beam must be >= 1, got " + std::to_string(o->beam));
      if (o->n_best < 1 || o->n_best > o->beam)
        throw InputError("--n-best must be in [1, --beam], got " + std::to_string(o->n_best));
      if (o->max_len < 0) throw InputError("--max-len must be >= 1, got " + std::to_string(o->max_len));
      if (!(o->length_penalty >= 0 && o->length_penalty <= 10))
        throw InputError("--length-penalty must be in [0, 10], got " + std::to_string(o->length_penalty));
      if (o->threads < 1) throw InputError("--threads must be >= 1, got " + std::to_string(o->threads));
      if (!o->attention_map.empty() && !o->input)
        throw InputError("--attention-map draws one answer: give the source with --input");
      ops::set_num_threads(o->threads);
      models::LoadedModel m = models::load_model_dir(o->dir);
      models::require_task(m, o->dir, "seq2seq", "rnngen translate");
      if (!o->attention_map.empty() && m.config().decoder != "attention")
        throw InputError("--attention-map: " + o->dir + " has a " + m.config().decoder + " decoder, no attention");
      const text::Tokenizer& tok = *m.tokenizer;
      const int32_t line = tok.line_start_token();
      sample::TranslateOptions t;
      t.beam = o->beam;
      t.n_best = o->n_best;
      t.max_len = o->max_len;
      t.length_penalty = o->length_penalty;

      auto answer = [&](const std::string& raw, const std::string& where) {
        const std::string src_text = text::nfc(raw);
        const std::vector<int32_t> src = tok.encode_prefix(src_text, where);
        if (src.empty()) throw InputError(where + ": the input has no tokens");
        const std::vector<sample::Translation> got =
            t.beam == 1 ? sample::greedy_translate(*m.seq2seq, {src}, line, line, t)
                        : sample::beam_translate(*m.seq2seq, src, line, line, t);
        if (o->json) {
          nlohmann::ordered_json j;
          j["input"] = raw;
          j["output"] = tok.decode(got[0].ids);
          j["score"] = got[0].score;
          j["logprob"] = got[0].logprob;
          j["ended"] = got[0].ended;
          if (o->n_best > 1) {
            j["n_best"] = nlohmann::ordered_json::array();
            for (const auto& g : got)
              j["n_best"].push_back({{"output", tok.decode(g.ids)}, {"score", g.score}, {"logprob", g.logprob}});
          }
          std::printf("%s\n", j.dump().c_str());
        } else if (o->n_best > 1) {
          for (const auto& g : got) std::printf("%.4f\t%s\n", g.score, tok.decode(g.ids).c_str());
          std::printf("\n");
        } else {
          std::printf("%s\n", tok.decode(got[0].ids).c_str());
        }
        std::fflush(stdout);
        if (!o->attention_map.empty()) {
          const auto weights = sample::attention_weights(*m.seq2seq, src, got[0].ids, line);
          // Weights are over encoder positions; with --reverse-source position k read token
          // len-1-k, so they are put back in reading order for the picture.
          const size_t n = src.size();
          const bool rev = m.config().reverse_source;
          std::vector<std::string> src_labels, out_labels;
          for (int32_t id : src) src_labels.push_back(tok.token(id) == " " ? "_" : tok.token(id));
          for (int32_t id : got[0].ids) out_labels.push_back(tok.token(id) == " " ? "_" : tok.token(id));
          out_labels.push_back("<end>");
          std::vector<std::vector<float>> shown(weights.size(), std::vector<float>(n));
          for (size_t i = 0; i < weights.size(); ++i)
            for (size_t j = 0; j < n; ++j) shown[i][j] = weights[i][rev ? n - 1 - j : j];
          train::plot_attention(o->attention_map, src_labels, out_labels, shown);
          std::fprintf(stderr, "%s: attention map\n", o->attention_map.c_str());
        }
      };
      if (o->input) {
        answer(*o->input, "--input");
      } else {
        std::string l;
        int n = 0;
        while (std::getline(std::cin, l)) {
          ++n;
          if (!l.empty() && l.back() == '\r') l.pop_back();
          text::validate_utf8(l, "stdin:" + std::to_string(n));
          answer(l, "stdin:" + std::to_string(n));
        }
      }
      return 0;
    };
  });
}

}  // namespace rnngen::cli
