// Generation: feed the prime through the network, then sample one token at a time, streaming
// the decoded text to a sink as soon as it is final.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "models/lm_step.h"
#include "models/rnnlm.h"
#include "sample/sampler.h"
#include "text/tokenizer.h"

namespace rnngen::sample {

struct GenerateOptions {
  int length = 200;          // generated tokens (--length)
  SampleOptions sampling;
  std::string stop;          // stop once the generated text contains this (--stop); kept in output
  uint64_t seed = 0;
  // Weights of the token-by-token steps: fp32, or bf16 (half the bytes per token).
  models::WeightFormat weights = models::WeightFormat::kF32;
};

// Returns the generated text (without the prime). The sink receives it piece by piece.
// prime_ids may be empty: the network then starts from a zero state and the first input is
// `start_id`.
std::string generate(models::RnnLm<float>& net, const text::Tokenizer& tok,
                     const std::vector<int32_t>& prime_ids, int32_t start_id,
                     const GenerateOptions& opts, Rng& rng,
                     const std::function<void(std::string_view)>& sink);

// generate() in its two halves. prime() computes nothing: the prime's tokens are fed to the
// stepper one by one from a zero state, as sampled tokens are (each weight read once a token),
// by continue_from() or by the batch engine (sample/batch_engine.h) inside its shared steps,
// so that a prime's state is bitwise the same on every path, batched or not.
struct Primed {
  std::vector<int32_t> feed;  // the prime's tokens but the last, fed from a zero state
  int32_t current = 0;        // the next input after feed: the prime's last token (or start_id)
};
Primed prime(const std::vector<int32_t>& prime_ids, int32_t start_id);
// The sink returns false to stop early (what it got so far is returned). `tokens`, when not
// null, receives the number of tokens generated.
std::string continue_from(const models::RnnLm<float>& net, const text::Tokenizer& tok,
                          const std::vector<int32_t>& prime_ids, const Primed& primed,
                          const GenerateOptions& opts, Rng& rng,
                          const std::function<bool(std::string_view)>& sink, int* tokens = nullptr);
// Called with each sampled id and the logits [V] it was drawn from (valid during the call).
using TokenHook = std::function<void(int32_t id, const float* logits)>;

// The same with a stepper made for `net` (with opts.weights) beforehand: packing the weights
// costs as much as dozens of steps, so callers generating often keep steppers and reuse them.
std::string continue_from(models::LmStepper& stepper, const text::Tokenizer& tok, int vocab_size,
                          const std::vector<int32_t>& prime_ids, const Primed& primed,
                          const GenerateOptions& opts, Rng& rng,
                          const std::function<bool(std::string_view)>& sink, int* tokens = nullptr,
                          const TokenHook& on_token = {});

}  // namespace rnngen::sample
