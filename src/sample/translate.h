// Generation from a seq2seq model: greedy decoding of many sources at once, and beam search
// with length normalisation and n-best lists. The decoder starts from `start` and an answer ends
// when it produces `end` (both the tokenizer's line token: "\n", or "<eos>" for ptb words).
#pragma once
#include <cstdint>
#include <vector>

#include "models/seq2seq.h"

namespace rnngen::sample {

struct Translation {
  std::vector<int32_t> ids;  // the answer, without the end token
  double logprob = 0;        // ln p(answer and its end | source); without an end: of the ids alone
  double score = 0;          // logprob / (tokens incl. the end)^length_penalty: what beams rank by
  bool ended = true;         // false when max_len stopped it
};

struct TranslateOptions {
  int beam = 1;            // 1 = greedy
  int n_best = 1;          // answers per source (<= beam)
  int max_len = 0;         // tokens per answer before it is cut off (0 = the model's max_target_len, at least 1)
  double length_penalty = 1.0;  // alpha: 0 ranks by total log-probability, 1 by the mean per token
  int batch = 256;         // greedy: sources decoded together
};

int effective_max_len(const models::Seq2Seq<float>& m, const TranslateOptions& o);

// Greedy answers, one per source (sources: token ids in reading order, each non-empty).
std::vector<Translation> greedy_translate(const models::Seq2Seq<float>& m,
                                          const std::vector<std::vector<int32_t>>& sources, int32_t start,
                                          int32_t end, const TranslateOptions& o);

// Beam search for one source: up to o.n_best answers, best first.
std::vector<Translation> beam_translate(const models::Seq2Seq<float>& m, const std::vector<int32_t>& source,
                                        int32_t start, int32_t end, const TranslateOptions& o);

// Attention weights while the decoder writes `answer` (then its end token): [answer+1][Ts].
std::vector<std::vector<float>> attention_weights(const models::Seq2Seq<float>& m, const std::vector<int32_t>& source,
                                                  const std::vector<int32_t>& answer, int32_t start);

}  // namespace rnngen::sample
