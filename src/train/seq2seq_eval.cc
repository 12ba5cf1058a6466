#include "train/seq2seq_eval.h"

#include <algorithm>
#include <chrono>

#include "rnngen/error.h"
#include "sample/translate.h"

namespace rnngen::train {

std::vector<text::TextPair> read_pair_files(const std::vector<std::string>& files, const std::string& separator,
                                            const std::string& source_column, const std::string& target_column) {
  std::vector<text::TextPair> all;
  for (const auto& f : files) {
    std::vector<text::TextPair> p = source_column.empty() ? text::read_pairs(f, separator)
                                                          : text::read_csv_pairs(f, source_column, target_column);
    all.insert(all.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
  }
  return all;
}

std::vector<EncodedPair> encode_pairs(const text::Tokenizer& tok, const std::vector<text::TextPair>& pairs,
                                      const std::string& path, int max_target_len) {
  std::vector<EncodedPair> out;
  out.reserve(pairs.size());
  for (const auto& p : pairs) {
    const std::string where = path + ":" + std::to_string(p.line);
    EncodedPair e{tok.encode_prefix(p.source, where), tok.encode_prefix(p.target, where)};
    if (e.source.empty()) throw InputError(where + ": the source has no tokens");
    if (e.target.empty()) throw InputError(where + ": the target has no tokens");
    if (max_target_len > 0 && static_cast<int>(e.target.size()) > max_target_len)
      throw InputError(where + ": the target has " + std::to_string(e.target.size()) + " tokens, more than --max-target-len " +
                       std::to_string(max_target_len));
    out.push_back(std::move(e));
  }
  return out;
}

void make_pair_batch(const std::vector<EncodedPair>& pairs, const std::vector<size_t>& order, size_t first, size_t n,
                     int32_t start, int32_t end, PairBatch& out) {
  auto at = [&](size_t i) -> const EncodedPair& { return pairs[order.empty() ? first + i : order[first + i]]; };
  int Ts = 1, Td = 1;
  for (size_t i = 0; i < n; ++i) {
    Ts = std::max(Ts, static_cast<int>(at(i).source.size()));
    Td = std::max(Td, static_cast<int>(at(i).target.size()) + 1);
  }
  const int B = static_cast<int>(n);
  out.B = B;
  out.Ts = Ts;
  out.Td = Td;
  out.src.assign(static_cast<size_t>(B) * Ts, 0);
  out.len.resize(B);
  out.dec_in.assign(static_cast<size_t>(B) * Td, end);
  out.targets.assign(static_cast<size_t>(B) * Td, -1);
  for (int b = 0; b < B; ++b) {
    const EncodedPair& p = at(b);
    std::copy(p.source.begin(), p.source.end(), out.src.begin() + static_cast<size_t>(b) * Ts);
    out.len[b] = static_cast<int32_t>(p.source.size());
    int32_t* din = out.dec_in.data() + static_cast<size_t>(b) * Td;
    int32_t* tg = out.targets.data() + static_cast<size_t>(b) * Td;
    din[0] = start;
    for (size_t t = 0; t < p.target.size(); ++t) {
      din[t + 1] = p.target[t];
      tg[t] = p.target[t];
    }
    tg[p.target.size()] = end;
  }
}

std::string answer_text(const text::Tokenizer& tok, const std::vector<int32_t>& ids) {
  std::string s = tok.decode(ids);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

Seq2seqScore score_pairs(const models::Seq2Seq<float>& m, const text::Tokenizer& tok,
                         const std::vector<EncodedPair>& pairs, int batch,
                         const std::function<void(int64_t, int64_t)>& progress) {
  Seq2seqScore s;
  const int32_t line = tok.line_start_token();
  models::Seq2SeqWork<float> w;
  PairBatch pb;
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t first = 0; first < pairs.size(); first += static_cast<size_t>(batch)) {
    const size_t n = std::min(pairs.size() - first, static_cast<size_t>(batch));
    make_pair_batch(pairs, {}, first, n, line, line, pb);
    s.nll_sum += m.forward(pb.view(), false, nullptr, w);
    s.tokens += w.counted;
    if (progress) progress(static_cast<int64_t>(first + n) / 2, static_cast<int64_t>(pairs.size()));
  }
  const auto t1 = std::chrono::steady_clock::now();
  sample::TranslateOptions topt;
  topt.batch = batch;
  // Answers may run a little past the longest training answer before they count as wrong.
  topt.max_len = std::max(1, m.config().max_target_len) + 1;
  std::vector<std::vector<int32_t>> sources;
  sources.reserve(pairs.size());
  for (const auto& p : pairs) sources.push_back(p.source);
  const std::vector<sample::Translation> got = sample::greedy_translate(m, sources, line, line, topt);
  for (size_t i = 0; i < pairs.size(); ++i)
    s.correct += got[i].ended && answer_text(tok, got[i].ids) == answer_text(tok, pairs[i].target);
  s.examples = static_cast<int64_t>(pairs.size());
  s.loss_seconds = std::chrono::duration<double>(t1 - t0).count();
  s.greedy_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  if (progress) progress(static_cast<int64_t>(pairs.size()), static_cast<int64_t>(pairs.size()));
  return s;
}

}  // namespace rnngen::train
