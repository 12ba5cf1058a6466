#include "train/evaluate.h"

#include <algorithm>
#include <cmath>

#include "text/utf8.h"

namespace rnngen::train {

StreamScore score_stream(models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                         int chunk, const ScoreProgress& progress) {
  StreamScore s;
  s.tokens = static_cast<int64_t>(ids.size());
  if (ids.size() < 2) return s;
  models::LmState<float> state, next;
  model.zero_state(1, state);
  const size_t last = ids.size() - 1;  // inputs are x_0..x_{N-2}, targets x_1..x_{N-1}
  for (size_t start = 0; start < last; start += chunk) {
    const int len = static_cast<int>(std::min<size_t>(chunk, last - start));
    s.nll_sum += model.forward(ids.data() + start, ids.data() + start + 1, 1, len, &state,
                               models::ForwardOptions{});
    model.final_state(next);
    std::swap(state, next);
    if (progress) progress(static_cast<int64_t>(start) + len, static_cast<int64_t>(last));
  }
  s.predicted = static_cast<int64_t>(last);
  return s;
}

double TextScore::bits_per_char() const {
  return predicted_characters > 0 ? stream.nll_sum / std::log(2.0) / static_cast<double>(predicted_characters)
                                  : 0.0;
}

bool steps_score_faster(const ModelConfig& c) {
  const models::StepWeights n = models::step_weight_counts(c);
  return n.decoder <= n.recurrent && n.decoder + n.recurrent <= (int64_t{4} << 20);
}

TextScore score_text(models::RnnLm<float>& model, const text::Tokenizer& tok, std::string_view text,
                     const std::string& source, std::optional<models::WeightFormat> steps_weights,
                     const ScoreProgress& progress) {
  TextScore r;
  const std::vector<int32_t> ids = tok.encode(text, source);
  if (!steps_weights && steps_score_faster(model.config())) steps_weights = models::WeightFormat::kF32;
  r.stream = steps_weights ? score_stream_steps(model, ids, *steps_weights, progress)
                           : score_stream(model, ids, 256, progress);
  r.characters = static_cast<int64_t>(text::decode_utf8(text, source).size());
  r.predicted_characters = r.characters - static_cast<int64_t>(tok.first_token_chars(text, ids, source));
  r.word_level = tok.type() == "word";
  return r;
}

StreamScore score_stream_steps(const models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                               models::WeightFormat fmt, const ScoreProgress& progress) {
  StreamScore s;
  s.tokens = static_cast<int64_t>(ids.size());
  if (ids.size() < 2) return s;
  const int V = model.config().vocab_size;
  models::LmStepper st(model, fmt);
  st.reset(1);
  for (size_t t = 0; t + 1 < ids.size(); ++t) {
    const float* lg = st.step(&ids[t]);
    double mx = lg[0];
    for (int v = 1; v < V; ++v) mx = std::max(mx, static_cast<double>(lg[v]));
    double z = 0;
    for (int v = 0; v < V; ++v) z += std::exp(static_cast<double>(lg[v]) - mx);
    s.nll_sum += mx + std::log(z) - lg[ids[t + 1]];
    if (progress && (t + 1) % 256 == 0) progress(static_cast<int64_t>(t + 1), static_cast<int64_t>(ids.size() - 1));
  }
  s.predicted = static_cast<int64_t>(ids.size() - 1);
  return s;
}

}  // namespace rnngen::train
