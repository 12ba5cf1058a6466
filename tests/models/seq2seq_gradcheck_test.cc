// Seq2seq in double precision: every gradient against finite differences (each cell, every
// decoder, bidirectional and reversed encoders, two layers with dropout, sources of different
// lengths in one batch, layer 0 by table gather and by dense embeddings), and padding checked to change nothing: a padded batch gives each row
// the loss it has alone.
#include <gtest/gtest.h>

#include "gradcheck.h"
#include "models/init.h"
#include "models/seq2seq.h"

namespace rnngen {
namespace {

struct Case {
  const char* cell;
  const char* decoder;
  bool bidirectional;
  bool reverse;
  int layers;
  double dropout;
  int vocab = 6;  // 6: layer 0 gathers Emb W_ih^T rows (vocab <= tokens of the window); 40: dense
};

struct Data {
  int B = 3, Ts = 5, Td = 4;
  std::vector<int32_t> src, len{5, 2, 3}, dec_in, tg;
  models::Seq2SeqBatch batch() const { return {B, Ts, Td, src.data(), len.data(), dec_in.data(), tg.data()}; }
};

Data make_data(Rng& rng, int V) {
  Data d;
  d.src.resize(d.B * d.Ts);
  d.dec_in.resize(d.B * d.Td);
  d.tg.resize(d.B * d.Td);
  for (auto& v : d.src) v = static_cast<int32_t>(rng.below(V));
  for (auto& v : d.dec_in) v = static_cast<int32_t>(rng.below(V));
  for (auto& v : d.tg) v = static_cast<int32_t>(rng.below(V));
  d.tg[1 * d.Td + 3] = -1;  // padding in the targets is not counted
  return d;
}

ModelConfig config_of(const Case& c) {
  ModelConfig cfg;
  cfg.task = "seq2seq";
  cfg.cell = c.cell;
  cfg.vocab_size = c.vocab;
  cfg.embed_size = 3;
  cfg.hidden_size = 3;
  cfg.num_layers = c.layers;
  cfg.dropout = c.dropout;
  cfg.decoder = c.decoder;
  cfg.bidirectional_encoder = c.bidirectional;
  cfg.reverse_source = c.reverse;
  return cfg;
}

class Seq2SeqGrad : public ::testing::TestWithParam<Case> {};

TEST_P(Seq2SeqGrad, MatchesFiniteDifferences) {
  const Case c = GetParam();
  const ModelConfig cfg = config_of(c);
  models::Seq2Seq<double> m(cfg);
  Rng rng(5);
  models::init_params(cfg, m.table(), models::InitScheme{"uniform", 0.8}, rng, m.params());
  const Data d = make_data(rng, cfg.vocab_size);
  const models::Seq2SeqBatch b = d.batch();
  auto loss = [&] {
    Rng mask_rng(17);  // the same dropout masks every time
    return m.forward(b, c.dropout > 0, &mask_rng) / m.counted();
  };
  loss();
  m.zero_grads();
  m.backward(1.0 / m.counted());
  std::vector<double> grads(m.grads(), m.grads() + m.num_params());
  for (const auto& p : m.table().entries()) {
    auto r = testing::gradcheck(m.params() + p.offset, grads.data() + p.offset, p.size, loss);
    EXPECT_LE(r.max_rel, 1e-6) << p.name << "[" << r.worst << "] analytic " << r.analytic << " numeric "
                               << r.numeric;
  }
}

TEST_P(Seq2SeqGrad, PaddingChangesNothing) {
  const Case c = GetParam();
  ModelConfig cfg = config_of(c);
  cfg.dropout = 0;  // dropout masks depend on the batch shape
  models::Seq2Seq<double> m(cfg);
  Rng rng(9);
  models::init_params(cfg, m.table(), models::InitScheme{"uniform", 0.8}, rng, m.params());
  Data d = make_data(rng, cfg.vocab_size);
  const double batched = m.forward(d.batch(), false, nullptr);
  double alone = 0;
  for (int r = 0; r < d.B; ++r) {
    const int n = d.len[r];
    std::vector<int32_t> src(d.src.begin() + r * d.Ts, d.src.begin() + r * d.Ts + n);
    std::vector<int32_t> din(d.dec_in.begin() + r * d.Td, d.dec_in.begin() + (r + 1) * d.Td);
    std::vector<int32_t> tg(d.tg.begin() + r * d.Td, d.tg.begin() + (r + 1) * d.Td);
    const int32_t len = n;
    alone += m.forward({1, n, d.Td, src.data(), &len, din.data(), tg.data()}, false, nullptr);
  }
  EXPECT_NEAR(batched, alone, 1e-12);
  // And different padding tokens give the same loss.
  for (int r = 0; r < d.B; ++r)
    for (int t = d.len[r]; t < d.Ts; ++t) d.src[r * d.Ts + t] = (d.src[r * d.Ts + t] + 1) % cfg.vocab_size;
  EXPECT_EQ(m.forward(d.batch(), false, nullptr), batched);
}

TEST_P(Seq2SeqGrad, StepwiseDecodingEqualsTeacherForcing) {
  const Case c = GetParam();
  ModelConfig cfg = config_of(c);
  cfg.dropout = 0;  // inference has none
  models::Seq2Seq<double> m(cfg);
  Rng rng(13);
  models::init_params(cfg, m.table(), models::InitScheme{"uniform", 0.8}, rng, m.params());
  const Data d = make_data(rng, cfg.vocab_size);
  std::vector<int32_t> all_tg(d.B * d.Td);
  for (size_t k = 0; k < all_tg.size(); ++k) all_tg[k] = d.tg[k] < 0 ? 0 : d.tg[k];
  models::Seq2SeqBatch b = d.batch();
  b.targets = all_tg.data();
  const double forced = m.forward(b, false, nullptr);
  std::vector<std::vector<int32_t>> sources;
  for (int r = 0; r < d.B; ++r) sources.emplace_back(d.src.begin() + r * d.Ts, d.src.begin() + r * d.Ts + d.len[r]);
  models::DecodeState<double> st;
  models::Seq2SeqWork<double> w;
  m.encode(sources, st, w);
  double stepped = 0;
  std::vector<double> logp;
  std::vector<int32_t> tok(d.B);
  for (int t = 0; t < d.Td; ++t) {
    for (int r = 0; r < d.B; ++r) tok[r] = d.dec_in[r * d.Td + t];
    m.step(st, tok.data(), logp, nullptr, w);
    for (int r = 0; r < d.B; ++r) stepped -= logp[r * cfg.vocab_size + all_tg[r * d.Td + t]];
  }
  EXPECT_NEAR(forced, stepped, 1e-10);
}

INSTANTIATE_TEST_SUITE_P(
    Seq2Seq, Seq2SeqGrad,
    ::testing::Values(Case{"lstm", "plain", false, false, 1, 0.0}, Case{"lstm", "peeky", false, true, 1, 0.0},
                      Case{"lstm", "attention", true, true, 2, 0.3}, Case{"lstm", "attention", false, false, 1, 0.0},
                      Case{"gru", "peeky", true, false, 2, 0.0}, Case{"gru", "attention", true, false, 1, 0.0},
                      Case{"rnn", "plain", false, true, 2, 0.4}, Case{"rnn", "attention", true, true, 1, 0.0},
                      Case{"lstm", "peeky", true, false, 2, 0.3}, Case{"lstm", "peeky", true, true, 2, 0.0, 40},
                      Case{"gru", "attention", false, true, 1, 0.0, 40}),
    [](const auto& info) {
      const Case& c = info.param;
      return std::string(c.cell) + "_" + c.decoder + (c.bidirectional ? "_bi" : "") + (c.reverse ? "_rev" : "") +
             "_l" + std::to_string(c.layers) + (c.dropout > 0 ? "_drop" : "") + (c.vocab > 6 ? "_dense" : "");
    });

}  // namespace
}  // namespace rnngen
