// Scoring a token stream the way the contract defines `eval`: zero initial state, the whole
// text as one stream (state carried from token to token), no dropout, and
//   nll = -(1/(N-1)) * sum_{t=1}^{N-1} ln p(x_t | x_0..x_{t-1}).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/lm_step.h"
#include "models/rnnlm.h"
#include "text/tokenizer.h"

namespace rnngen::train {

// Called now and then while scoring with the tokens predicted so far and the total: for a
// progress line on long texts. Empty: not called.
using ScoreProgress = std::function<void(int64_t done, int64_t total)>;

struct StreamScore {
  int64_t tokens = 0;     // N
  int64_t predicted = 0;  // N - 1
  double nll_sum = 0;     // nats, summed over the predicted tokens
  double nll() const { return predicted > 0 ? nll_sum / predicted : 0.0; }
};

// Runs in windows of `chunk` tokens with the state carried across them, which gives the same
// result as one pass over the whole text (a window boundary changes nothing but memory use).
StreamScore score_stream(models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                         int chunk = 256, const ScoreProgress& progress = {});

// A text scored as `rnngen eval` reports it. Bits per character count the code points of the
// text itself (after the NFC normalisation every input gets), not of the decoded tokens, so
// char, jamo, subword and word models compare on one text even though word decoding is lossy.
// The characters that the first token accounts for entirely are given to the model, not
// predicted, and are left out of the count (Tokenizer::first_token_chars); every other
// character is counted, including ones no token predicts (a word model's spaces, case and
// filtered punctuation), so bits_per_char = (bits of tokens 1..N-1) / predicted_characters.
struct TextScore {
  StreamScore stream;
  int64_t characters = 0;            // code points of the text
  int64_t predicted_characters = 0;  // characters after those the first token accounts for
  bool word_level = false;           // the tokenizer's tokens are words
  double bits_per_char() const;
};

// steps_weights: score token by token through the generation path with weights in that format
// (score_stream_steps). Without it the score is fp32, token by token or in windows of the
// training path, whichever steps_score_faster picks (the same result to float rounding).
TextScore score_text(models::RnnLm<float>& model, const text::Tokenizer& tok, std::string_view text,
                     const std::string& source,
                     std::optional<models::WeightFormat> steps_weights = std::nullopt,
                     const ScoreProgress& progress = {});

// At batch 1 a window's recurrent GEMMs have M = 1 (OpenBLAS packs W_hh again for every one),
// so the stepper, one GEMV over every weight per token, is faster while those weights stay in
// cache and the decoder is no larger than the recurrent layers; a window reads W_ih and the
// decoder once for all its tokens, which wins for large models and vocabularies. Measured on
// Zen 3 (docs/performance.md): steps 3.4x at char H128, 1.3-1.5x at char H512 x 2 (15 MB);
// windows 1.5x at vocab 2,000 / H650 x 2 (32 MB), 1.4x at vocab 5,000 / H200 x 2, 1.9x at
// vocab 5,691 / H650 x 2. The rule: decoder <= recurrent weights and at most 4M weights in all.
bool steps_score_faster(const ModelConfig& c);

// The same score computed token by token through models::LmStepper (the generation path),
// with its weights in `fmt`: how much bf16 generation weights change the held-out loss.
StreamScore score_stream_steps(const models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                               models::WeightFormat fmt, const ScoreProgress& progress = {});

}  // namespace rnngen::train
