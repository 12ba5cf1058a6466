#include "api/lm_model.h"
#include "api/seq2seq_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <nlohmann/json.hpp>
#include <random>

#include "io/config_json.h"
#include "models/lm_step.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "sample/generate.h"
#include "sample/prompt.h"
#include "text/utf8.h"
#include "train/evaluate.h"

namespace rnngen {

std::shared_ptr<const Model> Model::load(const std::string& dir) {
  models::LoadedModel m = models::load_model_dir(dir);
  if (m.seq2seq) return std::make_shared<api::Seq2seqModel>(dir, std::move(m));
  return std::make_shared<api::LmModel>(dir, std::move(m));
}

void set_num_threads(int threads) {
  if (threads < 1) throw InputError("threads must be >= 1, got " + std::to_string(threads));
  ops::set_num_threads(threads);
}

namespace api {

namespace {
// Text as `rnngen eval` reads a file: valid UTF-8, CRLF as '\n', NFC.
std::string as_read_from_file(std::string_view text, const std::string& source) {
  text::validate_utf8(text, source);
  return text::nfc(text::universal_newlines(text));
}
}  // namespace

std::vector<int32_t> TokenizerHandle::encode(std::string_view text) const {
  text::validate_utf8(text, "text");
  return tok_.encode(text::nfc(text), "text");
}

std::string TokenizerHandle::decode(const std::vector<int32_t>& ids) const {
  for (int32_t id : ids)
    if (id < 0 || id >= tok_.vocab_size())
      throw InputError("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                       std::to_string(tok_.vocab_size()) + ")");
  return tok_.decode(ids);
}

std::string TokenizerHandle::token(int32_t id) const {
  if (id < 0 || id >= tok_.vocab_size())
    throw InputError("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                     std::to_string(tok_.vocab_size()) + ")");
  return tok_.token(id);
}

LmModel::LmModel(std::string dir, models::LoadedModel m)
    : dir_(std::move(dir)), m_(std::move(m)), tokenizer_(*m_.tokenizer) {}

std::string LmModel::config_json() const { return io::config_to_json(m_.config()).dump(); }

namespace {
struct Prepared {
  sample::GenerateOptions g;
  sample::Prime prime;
};

// The checks and their order are `rnngen sample`'s, so the messages are too.
Prepared prepare(const GenerateRequest& r, const text::Tokenizer& tok) {
  if (r.length < 1) throw InputError("--length must be >= 1, got " + std::to_string(r.length));
  if (r.top_k < 0) throw InputError("--top-k must be >= 1, got " + std::to_string(r.top_k));
  if (r.top_logprobs < 0 || r.top_logprobs > 20)
    throw InputError("top_logprobs must be in [0, 20], got " + std::to_string(r.top_logprobs));
  Prepared p;
  p.g.length = r.length;
  p.g.stop = r.stop;
  p.g.weights = models::parse_weight_format(r.weights);
  p.g.sampling.temperature = r.temperature;
  p.g.sampling.greedy = r.greedy;
  p.g.sampling.top_k = r.top_k;
  p.g.sampling.top_p = r.top_p;
  validate(p.g.sampling);
  p.g.sampling.banned = sample::skip_token_ids(tok, r.skip_tokens);
  p.prime = sample::encode_prime(tok, r.prime, "--prime");
  return p;
}
}  // namespace

// log softmax(logits)[id] and the k largest, in double.
static TokenLogprob token_logprob(const text::Tokenizer& tok, const float* logits, int V, int32_t id, int k) {
  const double mx = *std::max_element(logits, logits + V);
  double z = 0;
  for (int v = 0; v < V; ++v) z += std::exp(static_cast<double>(logits[v]) - mx);
  const double lse = mx + std::log(z);
  TokenLogprob t;
  t.id = id;
  t.token = tok.token(id);
  t.logprob = logits[id] - lse;
  k = std::min(k, V);
  std::vector<int32_t> order(V);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
  for (int j = 0; j < k; ++j) t.top.emplace_back(tok.token(order[j]), logits[order[j]] - lse);
  return t;
}

int LmModel::check(const GenerateRequest& r) const {
  return static_cast<int>(prepare(r, *m_.tokenizer).prime.ids.size());
}

sample::BatchEngine& LmModel::engine(models::WeightFormat fmt) const {
  std::lock_guard lock(engines_mu_);
  auto& e = engines_[fmt];
  if (!e) e = std::make_unique<sample::BatchEngine>(*m_.net, *m_.tokenizer, fmt);
  return *e;
}

Generation LmModel::generate(const GenerateRequest& r, const TextSink& sink) const {
  const Prepared p = prepare(r, *m_.tokenizer);
  Rng rng(r.seed ? *r.seed : std::random_device{}());
  const int32_t start = sample::start_token(*m_.tokenizer, rng);
  // The engine feeds the prime's tokens in its shared steps (no forward pass here).
  sample::Primed primed = sample::prime(p.prime.ids, start);
  Generation out;
  out.prompt_tokens = static_cast<int>(p.prime.ids.size());
  const int V = m_.config().vocab_size;
  sample::StreamJob job{p.prime.ids, std::move(primed), p.g, rng, r.want_logprobs, r.coalesce};
  const std::shared_ptr<sample::BatchStream> stream = engine(p.g.weights).submit(std::move(job));
  // Leaves the batch on every exit: the sink said stop, or threw.
  struct Leave {
    sample::BatchStream& s;
    ~Leave() { s.cancel(); }
  } leave{*stream};
  // What continue_from does with each token, in its order: the logprob hook, then the piece
  // (empty pieces are not passed on); a sink that returns false ends the text there. With
  // coalesce, the pieces that are ready go to the sink in one call.
  std::vector<sample::StreamEvent> ready;
  std::string text;
  bool open = true;
  auto flush = [&] {
    if (text.empty()) return;
    out.text += text;
    open = !sink || sink(text);
    text.clear();
  };
  while (open && stream->next_all(ready)) {
    for (size_t i = 0; i < ready.size() && open; ++i) {
      const sample::StreamEvent& e = ready[i];
      if (e.id >= 0) {
        ++out.tokens;
        if (r.want_logprobs) {
          TokenLogprob t = token_logprob(*m_.tokenizer, e.logits.data(), V, e.id, r.top_logprobs);
          if (r.on_logprob) r.on_logprob(t);
          out.logprobs.push_back(std::move(t));
        }
      }
      text += e.piece;
      if (!r.coalesce) flush();
    }
    flush();
  }
  out.stopped = !r.stop.empty() && out.text.find(r.stop) != std::string::npos;
  return out;
}

TextScore LmModel::score(std::string_view raw) const {
  const std::string text = as_read_from_file(raw, "text");
  train::TextScore s;
  {
    std::lock_guard lock(forward_mu_);
    s = train::score_text(*m_.net, *m_.tokenizer, text, "text");
  }
  if (s.stream.tokens < 2)
    throw InputError("text: " + std::to_string(s.stream.tokens) +
                     " token; scoring needs at least 2 (the first is only context)");
  TextScore r;
  r.tokens = s.stream.tokens;
  r.nll = s.stream.nll();
  r.perplexity = std::exp(r.nll);
  r.bits_per_token = r.nll / std::log(2.0);
  if (s.word_level) r.word_perplexity = r.perplexity;
  r.bits_per_char = s.bits_per_char();
  r.characters = s.characters;
  r.predicted_characters = s.predicted_characters;
  return r;
}

namespace {
// The k most likely ids of softmax(logits) (ties: lower id first) and their probabilities.
void top_k(const float* logits, int V, int k, int32_t* ids, float* probs) {
  const double mx = *std::max_element(logits, logits + V);
  double z = 0;
  for (int v = 0; v < V; ++v) z += std::exp(static_cast<double>(logits[v]) - mx);
  std::vector<int32_t> order(V);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
  for (int j = 0; j < k; ++j) {
    ids[j] = order[j];
    probs[j] = static_cast<float>(std::exp(static_cast<double>(logits[order[j]]) - mx) / z);
  }
}
}  // namespace

HiddenStates LmModel::hidden_states(std::string_view raw, int top) const {
  if (top < 0) throw InputError("top must be >= 0, got " + std::to_string(top));
  const std::string text = as_read_from_file(raw, "text");
  HiddenStates r;
  r.ids = m_.tokenizer->encode(text, "text");
  const ModelConfig& c = m_.config();
  r.tokens = static_cast<int>(r.ids.size());
  r.layers = c.num_layers;
  r.hidden = c.hidden_size;
  const size_t per = static_cast<size_t>(r.layers) * r.hidden;
  // The generation path, token by token from a zero state: the state after each token is
  // what the stepper holds, which a window forward keeps only for its last step.
  models::LmStepper stepper(*m_.net);
  stepper.reset(1);
  models::LmState<float> s;
  r.h.resize(per * r.tokens);
  const bool lstm = c.cell == "lstm";
  if (lstm) r.c.resize(per * r.tokens);
  r.top = std::min(top, c.vocab_size);
  r.top_ids.resize(static_cast<size_t>(r.top) * r.tokens);
  r.top_probs.resize(r.top_ids.size());
  for (int t = 0; t < r.tokens; ++t) {
    const float* logits = stepper.step(&r.ids[t]);
    if (r.top > 0) top_k(logits, c.vocab_size, r.top, &r.top_ids[t * r.top], &r.top_probs[t * r.top]);
    stepper.get_state(s);  // [L, 1, H]: the row of token t as it is
    std::copy(s.h.begin(), s.h.end(), r.h.begin() + t * per);
    if (lstm) std::copy(s.c.begin(), s.c.end(), r.c.begin() + t * per);
  }
  return r;
}

}  // namespace api
}  // namespace rnngen
