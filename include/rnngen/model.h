// The public entry point for using a trained model from C++ (and through it, from Python and
// the HTTP server): load a model directory, generate, score, read hidden states, tokenize.
//
//   auto m = rnngen::Model::load("DIR");
//   rnngen::GenerateRequest r;  r.prime = "ROMEO:";  r.length = 300;  r.seed = 7;
//   m->generate(r, [](std::string_view piece) { std::cout << piece; return true; });
//
// Everything a caller can get wrong (a bad option, text outside the vocabulary, invalid UTF-8)
// throws rnngen::InputError with the CLI's one-line message; nothing aborts.
//
// One Model is shared by any number of threads: every method is const and the network's
// weights are never written. A model directory holds one task; task() names it ("lm" or
// "seq2seq"), and methods that a task lacks throw InputError.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rnngen {

// What `rnngen sample` takes, with the same defaults and the same meaning.
struct GenerateRequest {
  std::string prime;                 // --prime (not part of the generated text)
  int length = 500;                  // --length: tokens to generate, >= 1
  double temperature = 1.0;          // --temperature, >= 0 (0 = greedy)
  int top_k = 0;                     // --top-k, 0 = all
  double top_p = 1.0;                // --top-p, in (0, 1]
  bool greedy = false;               // --greedy
  std::optional<uint64_t> seed;      // --seed; none = a fresh random seed
  std::string stop;                  // --stop: stop once the generated text contains this
  std::vector<std::string> skip_tokens;  // --skip-tokens, one token per element
  std::string weights = "fp32";      // --weights: fp32 | bf16 | int8
  // Log-probabilities (not in `rnngen sample`): with want_logprobs, every generated token's
  // log-probability under the model (log softmax of its logits, temperature 1) and the
  // top_logprobs most likely tokens with theirs, in Generation::logprobs and, as each token is
  // drawn (before its text reaches the sink), in on_logprob.
  bool want_logprobs = false;
  int top_logprobs = 0;  // 0..20
  std::function<void(const struct TokenLogprob&)> on_logprob;
  // The sink may get several tokens' text in one call: its thread is then woken for the first
  // token, the last and at most every 50 ms between, not for every token (the server sets it:
  // with many streams, a wake-up and a socket write per token cost more than the token).
  bool coalesce = false;
};

struct TokenLogprob {
  int32_t id = 0;
  std::string token;  // the token's surface text
  double logprob = 0;
  std::vector<std::pair<std::string, double>> top;  // most likely first
};

// Receives the generated text piece by piece (each piece valid UTF-8: one token's text, or with
// GenerateRequest::coalesce that of the tokens ready since the last call); returning false stops
// the generation there (a closed connection, a Python iterator dropped).
using TextSink = std::function<bool(std::string_view piece)>;

struct Generation {
  std::string text;        // the generated text, without the prime
  int prompt_tokens = 0;   // tokens of the prime
  int tokens = 0;          // tokens generated
  bool stopped = false;    // ended by the stop string (else by the length or the sink)
  std::vector<TokenLogprob> logprobs;  // with GenerateRequest::want_logprobs
};

// The figures of `rnngen eval --json` (docs/cli.md), without its timing fields.
struct TextScore {
  int64_t tokens = 0;
  double nll = 0, perplexity = 0, bits_per_token = 0, bits_per_char = 0;
  int64_t characters = 0, predicted_characters = 0;
  std::optional<double> word_perplexity;  // word tokenizers only
};

// Per token of a text, the state after reading it: h (and c for an LSTM), [tokens, layers, hidden],
// and the most likely next tokens that state predicts (temperature 1), [tokens, top].
struct HiddenStates {
  int tokens = 0, layers = 0, hidden = 0, top = 0;
  std::vector<int32_t> ids;
  std::vector<float> h, c;  // c is empty for GRU and RNN cells
  std::vector<int32_t> top_ids;  // most likely first
  std::vector<float> top_probs;
};

// What `rnngen translate` takes (seq2seq models), with the same defaults and meaning.
struct TranslateRequest {
  std::string text;             // the source (--input)
  int beam = 1;                 // --beam: 1 = greedy
  int n_best = 1;               // --n-best: answers returned, best first (<= beam)
  int max_len = 0;              // --max-len: tokens per answer (0 = the model's longest training answer)
  double length_penalty = 1.0;  // --length-penalty: beams rank by logprob / length^A
  // Attention decoders: the best answer's attention map (what --attention-map draws) in its
  // Translation. InputError for a model without attention.
  bool attention = false;
};

struct Translation {
  std::string text;    // the answer (without its end token)
  double score = 0;    // what beams rank by
  double logprob = 0;  // ln p(answer and its end | source)
  bool ended = true;   // false when max_len cut it off
  // With TranslateRequest::attention, best answer only: the source's and the answer's tokens
  // (the answer's then "<end>") and attention[i][j], the weight answer token i gave source
  // token j, in reading order (rows sum to 1).
  std::vector<std::string> source_tokens, answer_tokens;
  std::vector<std::vector<float>> attention;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string type() const = 0;  // "char" | "word" | "jamo" | "subword"
  virtual int vocab_size() const = 0;
  // NFC-normalises and validates the text first; InputError for invalid UTF-8 or a symbol
  // outside the vocabulary.
  virtual std::vector<int32_t> encode(std::string_view text) const = 0;
  virtual std::string decode(const std::vector<int32_t>& ids) const = 0;  // InputError for ids out of range
  virtual std::string token(int32_t id) const = 0;
};

class Model {
 public:
  // InputError naming the file when DIR is not a model directory rnngen can load.
  static std::shared_ptr<const Model> load(const std::string& dir);
  virtual ~Model() = default;

  virtual std::string task() const = 0;         // "lm" | "seq2seq"
  virtual std::string config_json() const = 0;  // config.json as loaded
  virtual const Tokenizer& tokenizer() const = 0;
  virtual std::string dir() const = 0;

  // Byte for byte what `rnngen sample DIR` prints after the prime with the same options and
  // seed. Returns the whole generated text; the sink (optional) gets it as it is produced.
  virtual Generation generate(const GenerateRequest& request, const TextSink& sink = {}) const = 0;
  // generate()'s checks of the request alone, without generating: InputError as generate()
  // would throw it. Returns the prime's token count.
  virtual int check(const GenerateRequest& request) const = 0;
  // `rnngen eval DIR FILE --json` for a file holding `text` (NFC-normalised, CRLF as '\n').
  virtual TextScore score(std::string_view text) const = 0;
  // top: how many next-token candidates to keep per token (0: none).
  virtual HiddenStates hidden_states(std::string_view text, int top = 0) const = 0;

  // Seq2seq models: what `rnngen translate DIR --input TEXT` answers, n_best answers, best
  // first. A language model throws InputError (as generate() and friends do on a seq2seq one).
  virtual std::vector<Translation> translate(const TranslateRequest& request) const;
};

// Process-wide: threads of the GEMMs (as --threads).
void set_num_threads(int threads);

// Calls each(i) for every i in [0, n), each call on a thread of its own (n = 1: on this one),
// and returns when all have returned. Generations started inside the calls run at once, in
// one batch of a model's steps (one weight read a step for all of them), where calls made one
// after another would each run alone. The first exception any call threw is rethrown at the end.
void run_together(int n, const std::function<void(int i)>& each);

}  // namespace rnngen
