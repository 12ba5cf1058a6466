#include "train/evaluate.h"

#include <algorithm>
#include <cmath>

#include "text/utf8.h"

namespace rnngen::train {

StreamScore score_stream(models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                         int chunk) {
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
  }
  s.predicted = static_cast<int64_t>(last);
  return s;
}

double TextScore::bits_per_char() const {
  return predicted_characters > 0 ? stream.nll_sum / std::log(2.0) / static_cast<double>(predicted_characters)
                                  : 0.0;
}

TextScore score_text(models::RnnLm<float>& model, const text::Tokenizer& tok, std::string_view text,
                     const std::string& source) {
  TextScore r;
  const std::vector<int32_t> ids = tok.encode(text, source);
  r.stream = score_stream(model, ids);
  r.characters = static_cast<int64_t>(text::decode_utf8(text, source).size());
  r.predicted_characters = r.characters - static_cast<int64_t>(tok.first_token_chars(text, ids, source));
  r.word_level = tok.type() == "word";
  return r;
}

}  // namespace rnngen::train
