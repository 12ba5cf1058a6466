#include "sample/translate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "rnngen/error.h"

namespace rnngen::sample {

int effective_max_len(const models::Seq2Seq<float>& m, const TranslateOptions& o) {
  if (o.max_len > 0) return o.max_len;
  return std::max(1, m.config().max_target_len);
}

std::vector<Translation> greedy_translate(const models::Seq2Seq<float>& m,
                                          const std::vector<std::vector<int32_t>>& sources, int32_t start,
                                          int32_t end, const TranslateOptions& o) {
  const int V = m.config().vocab_size, max_len = effective_max_len(m, o);
  std::vector<Translation> out(sources.size());
  models::Seq2SeqWork<float> w;
  models::DecodeState<float> st;
  std::vector<float> logp;
  for (size_t first = 0; first < sources.size(); first += static_cast<size_t>(o.batch)) {
    const size_t n = std::min(sources.size() - first, static_cast<size_t>(o.batch));
    std::vector<std::vector<int32_t>> batch(sources.begin() + first, sources.begin() + first + n);
    m.encode(batch, st, w);
    std::vector<int32_t> tok(n, start);
    std::vector<char> done(n, 0);
    size_t left = n;
    for (int t = 0; t < max_len && left > 0; ++t) {
      m.step(st, tok.data(), logp, nullptr, w);
      for (size_t b = 0; b < n; ++b) {
        if (done[b]) continue;
        const float* z = logp.data() + b * V;
        const int32_t best = static_cast<int32_t>(std::max_element(z, z + V) - z);
        Translation& tr = out[first + b];
        tr.logprob += z[best];
        tok[b] = best;
        if (best == end) {
          done[b] = 1;
          --left;
        } else {
          tr.ids.push_back(best);
        }
      }
    }
    for (size_t b = 0; b < n; ++b) {
      Translation& tr = out[first + b];
      tr.ended = done[b] != 0;
      const double len = static_cast<double>(tr.ids.size() + (tr.ended ? 1 : 0));
      tr.score = len > 0 ? tr.logprob / std::pow(len, o.length_penalty) : 0.0;
    }
  }
  return out;
}

std::vector<Translation> beam_translate(const models::Seq2Seq<float>& m, const std::vector<int32_t>& source,
                                        int32_t start, int32_t end, const TranslateOptions& o) {
  const int V = m.config().vocab_size, K = std::max(1, o.beam), max_len = effective_max_len(m, o);
  const int n_best = std::clamp(o.n_best, 1, K);
  auto norm = [&](double logprob, size_t len) { return len > 0 ? logprob / std::pow(static_cast<double>(len), o.length_penalty) : 0.0; };
  models::Seq2SeqWork<float> w;
  models::DecodeState<float> st;
  m.encode({source}, st, w);
  struct Beam {
    std::vector<int32_t> ids;
    double logprob = 0;
  };
  std::vector<Beam> live{Beam{}};
  std::vector<Translation> finished;
  std::vector<float> logp;
  struct Cand {
    double logprob;
    int beam;
    int32_t token;
  };
  std::vector<Cand> cands;
  for (int t = 0; t < max_len && !live.empty(); ++t) {
    std::vector<int32_t> tok(live.size());
    for (size_t i = 0; i < live.size(); ++i) tok[i] = live[i].ids.empty() ? start : live[i].ids.back();
    m.step(st, tok.data(), logp, nullptr, w);
    cands.clear();
    for (size_t i = 0; i < live.size(); ++i)
      for (int v = 0; v < V; ++v)
        cands.push_back({live[i].logprob + logp[i * V + v], static_cast<int>(i), static_cast<int32_t>(v)});
    const size_t keep = std::min(cands.size(), static_cast<size_t>(2 * K));
    // Ties go to the lower beam, then the lower token id, so results do not depend on the sort.
    std::partial_sort(cands.begin(), cands.begin() + keep, cands.end(), [](const Cand& a, const Cand& b) {
      if (a.logprob != b.logprob) return a.logprob > b.logprob;
      if (a.beam != b.beam) return a.beam < b.beam;
      return a.token < b.token;
    });
    std::vector<Beam> next;
    std::vector<int> from;
    for (size_t c = 0; c < keep && static_cast<int>(next.size()) < K; ++c) {
      const Cand& x = cands[c];
      if (x.token == end) {
        finished.push_back({live[x.beam].ids, x.logprob, norm(x.logprob, live[x.beam].ids.size() + 1), true});
        continue;
      }
      Beam b{live[x.beam].ids, x.logprob};
      b.ids.push_back(x.token);
      next.push_back(std::move(b));
      from.push_back(x.beam);
    }
    if (static_cast<int>(finished.size()) >= K) break;
    live.swap(next);
    if (!live.empty()) m.reorder(st, from);
  }
  if (static_cast<int>(finished.size()) < n_best)
    for (const Beam& b : live) finished.push_back({b.ids, b.logprob, norm(b.logprob, b.ids.size()), false});
  std::stable_sort(finished.begin(), finished.end(), [](const Translation& a, const Translation& b) { return a.score > b.score; });
  if (static_cast<int>(finished.size()) > n_best) finished.resize(n_best);
  return finished;
}

std::vector<std::vector<float>> attention_weights(const models::Seq2Seq<float>& m, const std::vector<int32_t>& source,
                                                  const std::vector<int32_t>& answer, int32_t start) {
  models::Seq2SeqWork<float> w;
  models::DecodeState<float> st;
  m.encode({source}, st, w);
  std::vector<float> logp, attn;
  std::vector<std::vector<float>> out;
  int32_t tok = start;
  for (size_t t = 0; t <= answer.size(); ++t) {
    m.step(st, &tok, logp, &attn, w);
    out.push_back(attn);
    if (t < answer.size()) tok = answer[t];
  }
  return out;
}

}  // namespace rnngen::sample
