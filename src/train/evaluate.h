// Scoring a token stream the way the contract defines `eval`: zero initial state, the whole
// text as one stream (state carried from token to token), no dropout, and
//   nll = -(1/(N-1)) * sum_{t=1}^{N-1} ln p(x_t | x_0..x_{t-1}).
#pragma once
#include <cstdint>
#include <vector>

#include "models/lm_step.h"
#include "models/rnnlm.h"

namespace rnngen::train {

struct StreamScore {
  int64_t tokens = 0;     // N
  int64_t predicted = 0;  // N - 1
  double nll_sum = 0;     // nats, summed over the predicted tokens
  double nll() const { return predicted > 0 ? nll_sum / predicted : 0.0; }
};

// Runs in windows of `chunk` tokens with the state carried across them, which gives the same
// result as one pass over the whole text (a window boundary changes nothing but memory use).
StreamScore score_stream(models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                         int chunk = 256);

// The same score computed token by token through models::LmStepper (the generation path),
// with its weights in `fmt`: how much bf16 generation weights change the held-out loss.
StreamScore score_stream_steps(const models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                               models::WeightFormat fmt);

}  // namespace rnngen::train
