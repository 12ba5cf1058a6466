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

}  // namespace rnngen::sample
