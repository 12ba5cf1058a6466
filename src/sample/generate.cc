#include "sample/generate.h"

#include <algorithm>

#include "models/lm_step.h"

namespace rnngen::sample {

Primed prime(const std::vector<int32_t>& prime_ids, int32_t start_id) {
  Primed p;
  const std::vector<int32_t> input = prime_ids.empty() ? std::vector<int32_t>{start_id} : prime_ids;
  p.feed.assign(input.begin(), input.end() - 1);
  p.current = input.back();
  return p;
}

std::string continue_from(const models::RnnLm<float>& net, const text::Tokenizer& tok,
                          const std::vector<int32_t>& prime_ids, const Primed& primed,
                          const GenerateOptions& opts, Rng& rng,
                          const std::function<bool(std::string_view)>& sink, int* tokens) {
  // Token by token: the stepper keeps the state in place and reads each weight once per token.
  models::LmStepper stepper(net, opts.weights);
  return continue_from(stepper, tok, net.config().vocab_size, prime_ids, primed, opts, rng, sink, tokens);
}

std::string continue_from(models::LmStepper& stepper, const text::Tokenizer& tok, int V,
                          const std::vector<int32_t>& prime_ids, const Primed& primed,
                          const GenerateOptions& opts, Rng& rng,
                          const std::function<bool(std::string_view)>& sink, int* tokens,
                          const TokenHook& on_token) {
  Sampler sampler(opts.sampling);
  int32_t current = primed.current;
  stepper.reset(1);
  for (const int32_t id : primed.feed) stepper.step(&id);
  auto decoder = tok.stream_decoder();
  // The prime is already printed; passing it through the decoder gives what follows the right
  // context (a word tokenizer's separating space, a jamo syllable still being built).
  for (int32_t id : prime_ids) decoder->push(id);
  std::string out;
  bool go_on = true;
  auto emit = [&](const std::string& piece) {
    if (piece.empty()) return;
    out += piece;
    go_on = sink(piece);
  };
  int generated = 0;
  for (int i = 0; i < opts.length && go_on; ++i) {
    const float* logits = stepper.step(&current);
    current = sampler.sample(logits, V, rng);
    ++generated;
    if (on_token) on_token(current, logits);
    const std::string piece = decoder->push(current);
    emit(piece);
    // Only the tail can hold a new occurrence of the stop string.
    if (!opts.stop.empty() && out.size() >= opts.stop.size() &&
        out.find(opts.stop, out.size() - std::min(out.size(), piece.size() + opts.stop.size())) != std::string::npos)
      break;
  }
  if (go_on) emit(decoder->flush());
  if (tokens) *tokens = generated;
  return out;
}

std::string generate(models::RnnLm<float>& net, const text::Tokenizer& tok,
                     const std::vector<int32_t>& prime_ids, int32_t start_id,
                     const GenerateOptions& opts, Rng& rng,
                     const std::function<void(std::string_view)>& sink) {
  const Primed p = prime(prime_ids, start_id);
  return continue_from(net, tok, prime_ids, p, opts, rng, [&sink](std::string_view piece) {
    sink(piece);
    return true;
  });
}

}  // namespace rnngen::sample
