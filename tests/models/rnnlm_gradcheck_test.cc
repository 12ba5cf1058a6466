// Whole-model gradient checks in double precision: embedding (or one-hot), two stacked
// layers of each cell, dropout with a fixed mask, decoder (tied or not) and mean
// cross-entropy over 6 timesteps (2 for the dense-embedding path) and a batch of 3, against h0/c0 and every weight.
#include <gtest/gtest.h>

#include "gradcheck.h"
#include "models/init.h"
#include "models/rnnlm.h"

namespace rnngen {
namespace {

struct Case {
  const char* cell;
  int embed;
  double dropout;
  bool tie;
  int steps = 6;  // B*steps >= vocab: layer 0 gathers from Emb W_ih^T; below: dense embeddings
  double embed_dropout = 0.0;  // on the embedding output (--embed-dropout)
};

class RnnLmGrad : public ::testing::TestWithParam<Case> {};

TEST_P(RnnLmGrad, MatchesFiniteDifferences) {
  const Case c = GetParam();
  ModelConfig cfg;
  cfg.cell = c.cell;
  cfg.vocab_size = 7;
  cfg.embed_size = c.embed;
  cfg.hidden_size = 4;
  cfg.num_layers = 2;
  cfg.dropout = c.dropout;
  cfg.tie_weights = c.tie;
  cfg.embed_dropout = c.embed_dropout;
  models::RnnLm<double> m(cfg);
  Rng rng(3);
  models::init_params(cfg, m.table(), models::InitScheme{"uniform", 0.7}, rng, m.params());

  const int B = 3, T = c.steps;
  std::vector<int32_t> ids(B * T), tg(B * T);
  for (auto& v : ids) v = static_cast<int32_t>(rng.below(7));
  for (auto& v : tg) v = static_cast<int32_t>(rng.below(7));
  tg[4] = -1;  // an ignored position must not contribute
  models::LmState<double> init;
  m.zero_state(B, init);
  testing::fill_uniform(init.h.data(), init.h.size(), rng, 0.5);
  testing::fill_uniform(init.c.data(), init.c.size(), rng, 0.5);

  models::ForwardOptions opt{c.dropout > 0 || c.embed_dropout > 0, true};
  auto loss = [&] {
    const layers::DropoutKey mask_key{11, 0};  // the same dropout mask for every evaluation
    double s = m.forward(ids.data(), tg.data(), B, T, &init, opt, &mask_key);
    return s / m.counted();
  };
  loss();
  m.zero_grads();
  models::LmState<double> dinit;
  m.backward(1.0 / m.counted(), &dinit);
  std::vector<double> grads(m.grads(), m.grads() + m.num_params());

  for (const auto& p : m.table().entries()) {
    auto r = testing::gradcheck(m.params() + p.offset, grads.data() + p.offset, p.size, loss);
    EXPECT_LE(r.max_rel, 1e-6) << p.name << "[" << r.worst << "] analytic " << r.analytic
                                 << " numeric " << r.numeric;
  }
  auto rh = testing::gradcheck(init.h.data(), dinit.h.data(), init.h.size(), loss);
  EXPECT_LE(rh.max_rel, 1e-6) << "h0[" << rh.worst << "]";
  if (!init.c.empty()) {
    auto rc = testing::gradcheck(init.c.data(), dinit.c.data(), init.c.size(), loss);
    EXPECT_LE(rc.max_rel, 1e-6) << "c0[" << rc.worst << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(AllCells, RnnLmGrad,
                         ::testing::Values(Case{"lstm", 5, 0.3, false}, Case{"lstm", 0, 0.0, false},
                                           Case{"lstm", 4, 0.4, true}, Case{"gru", 5, 0.3, false},
                                           Case{"gru", 0, 0.0, false}, Case{"rnn", 5, 0.3, false},
                                           Case{"rnn", 4, 0.0, true},
                                           Case{"lstm", 5, 0.3, false, 2}, Case{"gru", 4, 0.0, true, 2},
                                           Case{"rnn", 5, 0.0, false, 2},
                                           Case{"lstm", 5, 0.3, false, 6, 0.5},
                                           Case{"gru", 4, 0.0, true, 6, 0.4}));

// Sum of |logit change| between an eval forward and a training forward with dropout drawn.
double logit_change_from_dropout(const ModelConfig& cfg) {
  models::RnnLm<double> m(cfg);
  Rng rng(1);
  models::init_params(cfg, m.table(), models::InitScheme{}, rng, m.params());
  std::vector<int32_t> ids = {1, 2, 3, 4};
  m.forward(ids.data(), nullptr, 1, 4, nullptr, {false, false});
  std::vector<double> plain(m.logits(), m.logits() + 4 * cfg.vocab_size);
  const layers::DropoutKey drop{5, 0};
  m.forward(ids.data(), nullptr, 1, 4, nullptr, {true, false}, &drop);
  double diff = 0;
  for (size_t i = 0; i < plain.size(); ++i) diff += std::abs(plain[i] - m.logits()[i]);
  return diff;
}

TEST(RnnLmGrad, DropoutMaskActuallyDropsUnits) {
  ModelConfig cfg;
  cfg.vocab_size = 5;
  cfg.embed_size = 3;
  cfg.hidden_size = 16;
  cfg.num_layers = 2;
  cfg.dropout = 0.5;
  EXPECT_GT(logit_change_from_dropout(cfg), 1e-3);
}

TEST(RnnLmGrad, EmbedDropoutAloneChangesTheOutput) {
  ModelConfig cfg;
  cfg.vocab_size = 5;
  cfg.embed_size = 8;
  cfg.hidden_size = 6;
  cfg.num_layers = 1;
  cfg.embed_dropout = 0.5;
  EXPECT_GT(logit_change_from_dropout(cfg), 1e-3);
}

}  // namespace
}  // namespace rnngen
