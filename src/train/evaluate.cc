#include "train/evaluate.h"

#include <algorithm>
#include <cmath>

#include <algorithm>

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

StreamScore score_stream_steps(const models::RnnLm<float>& model, const std::vector<int32_t>& ids,
                               models::WeightFormat fmt) {
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
  }
  s.predicted = static_cast<int64_t>(ids.size() - 1);
  return s;
}

}  // namespace rnngen::train
