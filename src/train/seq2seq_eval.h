// Scoring a seq2seq model on (source, target) pairs: token-level loss with teacher forcing and
// the exact-match accuracy of its greedy answers (trailing spaces ignored on both sides), what
// `rnngen eval` prints and what training validates with.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "models/seq2seq.h"
#include "text/pairs.h"
#include "text/tokenizer.h"

namespace rnngen::train {

struct EncodedPair {
  std::vector<int32_t> source, target;  // target without the end token
};

struct Seq2seqScore {
  int64_t examples = 0, correct = 0;
  int64_t tokens = 0;  // predicted target tokens, end tokens included
  double nll_sum = 0;
  double loss_seconds = 0, greedy_seconds = 0;  // time of the teacher-forced loss, of the greedy answers
  double accuracy() const { return examples ? static_cast<double>(correct) / examples : 0.0; }
  double nll() const { return tokens ? nll_sum / static_cast<double>(tokens) : 0.0; }
};

// Pairs from files: CSV columns when both column names are given, else `separator` lines.
std::vector<text::TextPair> read_pair_files(const std::vector<std::string>& files, const std::string& separator,
                                            const std::string& source_column, const std::string& target_column);

// Token ids of each pair (no end-of-line token added); an InputError names path:line for a
// side that encodes to nothing or (max_target_len > 0) a target longer than that.
std::vector<EncodedPair> encode_pairs(const text::Tokenizer& tok, const std::vector<text::TextPair>& pairs,
                                      const std::string& path, int max_target_len = 0);

// The batch of pairs [first, first + n) of `order` (or of pairs when order is empty), padded:
// dec_in = start + target, targets = target + end, -1 past each target's end.
struct PairBatch {
  int B = 0, Ts = 0, Td = 0;
  std::vector<int32_t> src, len, dec_in, targets;
  models::Seq2SeqBatch view() const { return {B, Ts, Td, src.data(), len.data(), dec_in.data(), targets.data()}; }
};
void make_pair_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& order, size_t first, size_t n,
                     int32_t start, int32_t end, PairBatch& out);

// Text of an answer as exact match compares it: decoded, trailing spaces and tabs removed.
std::string answer_text(const text::Tokenizer& tok, const std::vector<int32_t>& ids);

// progress(done, total) after each batch (may be empty).
Seq2seqScore score_pairs(const models::Seq2Seq<float>& m, const text::Tokenizer& tok,
                         const std::vector<EncodedPair>& pairs, int batch,
                         const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace rnngen::train
