#include "api/seq2seq_model.h"

#include <nlohmann/json.hpp>

#include "io/config_json.h"
#include "rnngen/error.h"
#include "sample/translate.h"
#include "text/utf8.h"

namespace rnngen {

std::vector<Translation> Model::translate(const TranslateRequest&) const {
  throw InputError(dir() + ": is a language model; translate needs a seq2seq model (use generate)");
}

namespace api {

Seq2seqModel::Seq2seqModel(std::string dir, models::LoadedModel m)
    : dir_(std::move(dir)), m_(std::move(m)), tokenizer_(*m_.tokenizer) {}

std::string Seq2seqModel::config_json() const { return io::config_to_json(m_.config()).dump(); }

void Seq2seqModel::not_a_language_model(const char* what) const {
  throw InputError(dir_ + ": is a seq2seq model; " + what + " needs a language model (use translate)");
}
Generation Seq2seqModel::generate(const GenerateRequest&, const TextSink&) const { not_a_language_model("generate"); }
int Seq2seqModel::check(const GenerateRequest&) const { not_a_language_model("generate"); }
TextScore Seq2seqModel::score(std::string_view) const { not_a_language_model("score"); }
HiddenStates Seq2seqModel::hidden_states(std::string_view, int) const { not_a_language_model("hidden_states"); }

std::vector<Translation> Seq2seqModel::translate(const TranslateRequest& r) const {
  if (r.beam < 1) throw InputError("beam must be >= 1, got " + std::to_string(r.beam));
  if (r.n_best < 1 || r.n_best > r.beam) throw InputError("n_best must be in [1, beam], got " + std::to_string(r.n_best));
  if (r.max_len < 0) throw InputError("max_len must be >= 0, got " + std::to_string(r.max_len));
  if (!(r.length_penalty >= 0 && r.length_penalty <= 10))
    throw InputError("length_penalty must be in [0, 10], got " + std::to_string(r.length_penalty));
  text::validate_utf8(r.text, "text");
  const text::Tokenizer& tok = *m_.tokenizer;
  const std::vector<int32_t> src = tok.encode_prefix(text::nfc(r.text), "text");
  if (src.empty()) throw InputError("text: the input has no tokens");
  const int32_t line = tok.line_start_token();
  if (r.attention && m_.config().decoder != "attention")
    throw InputError("attention: this model has a " + m_.config().decoder + " decoder, no attention");
  sample::TranslateOptions o;
  o.beam = r.beam;
  o.n_best = r.n_best;
  o.max_len = r.max_len;
  o.length_penalty = r.length_penalty;
  // Translating never writes the model: each call has its own activations.
  const std::vector<sample::Translation> got = r.beam == 1 ? sample::greedy_translate(*m_.seq2seq, {src}, line, line, o)
                                                           : sample::beam_translate(*m_.seq2seq, src, line, line, o);
  std::vector<Translation> out;
  for (const auto& g : got) out.push_back({tok.decode(g.ids), g.score, g.logprob, g.ended, {}, {}, {}});
  if (r.attention && !got.empty()) {  // as `rnngen translate --attention-map` draws it
    Translation& best = out.front();
    const auto weights = sample::attention_weights(*m_.seq2seq, src, got[0].ids, line);
    // Weights are over encoder positions; with reverse_source position k read token n-1-k.
    const size_t n = src.size();
    const bool rev = m_.config().reverse_source;
    for (int32_t id : src) best.source_tokens.push_back(tok.token(id));
    for (int32_t id : got[0].ids) best.answer_tokens.push_back(tok.token(id));
    best.answer_tokens.push_back("<end>");
    best.attention.assign(weights.size(), std::vector<float>(n));
    for (size_t i = 0; i < weights.size(); ++i)
      for (size_t j = 0; j < n; ++j) best.attention[i][j] = weights[i][rev ? n - 1 - j : j];
  }
  return out;
}

}  // namespace api
}  // namespace rnngen
