// LmStepper (token-at-a-time generation) against RnnLm::forward over the whole sequence:
// the logits of every step, for every cell, embedding (copied, or folded into a gathered
// table) or one-hot input, batch 1 and 3, from a zero and from a given state, in fp32 (to
// float rounding), bf16 (to bf16 rounding) and int8 (close, and the same bits at every batch
// size).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "models/init.h"
#include "models/lm_step.h"
#include "models/rnnlm.h"
#include "isa_paths.h"
#include "ops/gemm.h"
#include "ops/gemv.h"

namespace rnngen {
namespace {

struct Case {
  const char* cell;
  int embed;
  int batch;
  bool tie = false;
};

class LmStep : public ::testing::TestWithParam<Case> {};

// Rounds the weights the stepper stores in bf16 ([W_ih | W_hh] of every layer, W_ih of a
// one-hot layer 0 excepted, and the decoder) to bf16 values, in place.
void round_stepper_weights_to_bf16(const ModelConfig& cfg, models::RnnLm<float>& m) {
  std::vector<std::string> names = {"decoder.weight"};
  for (int l = 0; l < cfg.num_layers; ++l) {
    if (l > 0 || cfg.embed_size > 0) names.push_back("rnn.weight_ih_l" + std::to_string(l));
    names.push_back("rnn.weight_hh_l" + std::to_string(l));
  }
  for (const auto& n : names) {
    const auto& info = m.table().at(n);
    float* p = m.params() + info.offset;
    for (size_t q = 0; q < info.size; ++q) p[q] = ops::from_bf16(ops::to_bf16(p[q]));
  }
}

double max_step_error(const Case& c, models::WeightFormat fmt, bool from_state,
                      bool round_reference = false) {
  ModelConfig cfg;
  cfg.cell = c.cell;
  cfg.vocab_size = 37;
  cfg.embed_size = c.embed;
  cfg.hidden_size = 24;
  cfg.num_layers = 2;
  cfg.tie_weights = c.tie;
  if (c.tie) cfg.embed_size = cfg.hidden_size;
  models::RnnLm<float> m(cfg);
  Rng rng(5);
  models::init_params(cfg, m.table(), models::InitScheme{"uniform", 0.3}, rng, m.params());
  if (round_reference) round_stepper_weights_to_bf16(cfg, m);
  const int B = c.batch, T = 9, V = cfg.vocab_size;
  std::vector<int32_t> ids(B * T);
  for (auto& v : ids) v = static_cast<int32_t>(rng.below(V));
  models::LmState<float> init;
  m.zero_state(B, init);
  if (from_state) {
    for (auto& v : init.h) v = static_cast<float>(rng.uniform(-0.5, 0.5));
    for (auto& v : init.c) v = static_cast<float>(rng.uniform(-0.5, 0.5));
  }
  m.forward(ids.data(), nullptr, B, T, &init, models::ForwardOptions{});
  std::vector<float> ref(m.logits(), m.logits() + static_cast<size_t>(T) * B * V);  // [T,B,V]

  models::LmStepper s(m, fmt);
  s.set_state(init, B);
  double err = 0;
  std::vector<int32_t> col(B);
  for (int t = 0; t < T; ++t) {
    for (int b = 0; b < B; ++b) col[b] = ids[static_cast<size_t>(b) * T + t];
    const float* lg = s.step(col.data());
    for (int q = 0; q < B * V; ++q) err = std::max(err, std::fabs(double(lg[q]) - ref[static_cast<size_t>(t) * B * V + q]));
  }
  models::LmState<float> fin, st;
  m.final_state(fin);
  s.get_state(st);
  for (size_t q = 0; q < fin.h.size(); ++q) err = std::max(err, std::fabs(double(fin.h[q]) - st.h[q]));
  for (size_t q = 0; q < fin.c.size(); ++q) err = std::max(err, std::fabs(double(fin.c[q]) - st.c[q]));
  return err;
}

TEST_P(LmStep, StepsMatchWholeSequenceForward) {
  // Batch > 1 takes OpenBLAS, or oneDNN on packed weights on AVX-512 CPUs; batch 1 the GEMVs.
  for_each_isa([&] {
    EXPECT_LT(max_step_error(GetParam(), models::WeightFormat::kF32, false), 1e-5);
    EXPECT_LT(max_step_error(GetParam(), models::WeightFormat::kF32, true), 1e-5);
  });
}

TEST_P(LmStep, Bf16WeightsStayClose) {
  // bf16 keeps 8 bits of mantissa: relative weight error <= 2^-9, so with |w| <= 0.3 and sums
  // over <= 48 terms of |x| <= ~1 the logits move by well under 0.05.
  EXPECT_LT(max_step_error(GetParam(), models::WeightFormat::kBf16, true), 0.05);
}

TEST_P(LmStep, Bf16EqualsFp32OnRoundedWeights) {
  // With the model's weights already bf16 values, bf16 storage loses nothing: what is left is
  // float rounding, at batch 1 (bf16 GEMV) and batch > 1 (SGEMM on the widened copy) alike.
  // A tied decoder is the embedding, which the stepper gathers in fp32: not comparable.
  if (GetParam().tie) GTEST_SKIP() << "tied decoder";
  for_each_isa([&] { EXPECT_LT(max_step_error(GetParam(), models::WeightFormat::kBf16, true, true), 1e-5); });
}

TEST_P(LmStep, Int8WeightsStayClose) {
  // int8: weights to 1/126 of each row's largest |w| (<= 0.3 here), the step's inputs to 1/254
  // of each row's largest |x|; over sums of <= 48 terms the logits move by well under 0.1 (a
  // wrong scale or a lost zero point moves them by about 1).
  EXPECT_LT(max_step_error(GetParam(), models::WeightFormat::kInt8, true), 0.1);
}

// Batch > 1 only: each case's batched run is compared with batch-1 runs of its streams.
class LmStepBatched : public ::testing::TestWithParam<Case> {};

// The case's small 2-layer model (vocab 37, hidden 24), initialised uniformly from `seed`.
std::unique_ptr<models::RnnLm<float>> small_model(const Case& c, uint64_t seed) {
  ModelConfig cfg;
  cfg.cell = c.cell;
  cfg.vocab_size = 37;
  cfg.embed_size = c.tie ? 24 : c.embed;
  cfg.hidden_size = 24;
  cfg.num_layers = 2;
  cfg.tie_weights = c.tie;
  auto m = std::make_unique<models::RnnLm<float>>(cfg);
  Rng rng(seed);
  models::init_params(cfg, m->table(), models::InitScheme{"uniform", 0.3}, rng, m->params());
  return m;
}

// B streams of random ids stepped T times at batch B, then each alone at batch 1: every logit
// bitwise equal.
void expect_batch_equals_batch1(const models::RnnLm<float>& m, models::WeightFormat fmt, bool exact, int B,
                                Rng& rng) {
  const int T = 5, V = m.config().vocab_size;
  std::vector<int32_t> ids(static_cast<size_t>(B) * T);  // [T, B]
  for (auto& v : ids) v = static_cast<int32_t>(rng.below(V));
  models::LmStepper all(m, fmt), one(m, fmt);
  all.set_exact_batching(exact);
  all.reset(B);
  std::vector<float> batched(static_cast<size_t>(T) * B * V);
  for (int t = 0; t < T; ++t) {
    const float* lg = all.step(ids.data() + static_cast<size_t>(t) * B);
    std::copy(lg, lg + B * V, batched.begin() + static_cast<size_t>(t) * B * V);
  }
  for (int b = 0; b < B; ++b) {
    one.reset(1);
    for (int t = 0; t < T; ++t) {
      const float* lg = one.step(ids.data() + static_cast<size_t>(t) * B + b);
      ASSERT_EQ(std::memcmp(lg, &batched[(static_cast<size_t>(t) * B + b) * V], V * sizeof(float)), 0)
          << "stream " << b << " step " << t;
    }
  }
}

TEST_P(LmStepBatched, Int8GivesTheSameBitsAtEveryBatch) {
  // The integer sums are exact, so batch > 1 (oneDNN's int8 matmul) and batch 1 (our GEMV)
  // must agree to the bit on every stream.
  const Case c = GetParam();
  ASSERT_GT(c.batch, 1);
  Rng rng(6);
  expect_batch_equals_batch1(*small_model(c, 6), models::WeightFormat::kInt8, false, c.batch, rng);
}

TEST_P(LmStepBatched, ExactBatchingGivesBatch1Bits) {
  // The server's batching (set_exact_batching): every stream's logits bitwise those of the
  // stream alone at batch 1, fp32 and bf16, at the case's batch and at 16 rows (two tiles of
  // 8 streams), on two threads, on every instruction-set path.
  const Case c = GetParam();
  const auto m = small_model(c, 7);
  Rng rng(7);
  const int threads = ops::num_threads();
  ops::set_num_threads(2);
  for_each_isa([&] {
    for (const auto fmt : {models::WeightFormat::kF32, models::WeightFormat::kBf16})
      for (const int B : {c.batch, 16}) {
        SCOPED_TRACE(testing::Message() << "batch " << B << (fmt == models::WeightFormat::kBf16 ? " bf16" : " fp32"));
        expect_batch_equals_batch1(*m, fmt, true, B, rng);
      }
  });
  ops::set_num_threads(threads);
}

const Case kCases[] = {
    Case{"lstm", 8, 1}, Case{"lstm", 8, 3}, Case{"lstm", 0, 1}, Case{"lstm", 0, 3},
    Case{"gru", 8, 1}, Case{"gru", 8, 3}, Case{"gru", 0, 2}, Case{"rnn", 8, 1},
    Case{"rnn", 0, 3}, Case{"rnn_relu", 8, 2}, Case{"lstm", 0, 1, true},
    Case{"gru", 0, 70},
    // Embeddings whose table Emb W_ih^T layer 0 gathers (vocab 37 <= 2 x embed).
    Case{"lstm", 24, 1}, Case{"lstm", 24, 3}, Case{"gru", 24, 1}, Case{"gru", 20, 3},
    Case{"rnn", 19, 2}};

std::vector<Case> batched_cases() {
  std::vector<Case> out;
  for (const Case& c : kCases)
    if (c.batch > 1) out.push_back(c);
  return out;
}

// Readable, stable names (the default prints the struct's bytes, a pointer among them).
std::string case_name(const ::testing::TestParamInfo<Case>& i) {
  return std::string(i.param.cell) + "_embed" + std::to_string(i.param.embed) + "_batch" +
         std::to_string(i.param.batch) + (i.param.tie ? "_tied" : "");
}

INSTANTIATE_TEST_SUITE_P(Cells, LmStep, ::testing::ValuesIn(kCases), case_name);
INSTANTIATE_TEST_SUITE_P(Cells, LmStepBatched, ::testing::ValuesIn(batched_cases()), case_name);

TEST(LmStepFold, CharVocabulariesAreGatheredWordVocabulariesAreNot) {
  ModelConfig c;
  c.cell = "lstm";
  c.hidden_size = 512;
  c.num_layers = 2;
  c.embed_size = 64;
  c.vocab_size = 65;  // char: the table [65, 2048] is about W_ih's [2048, 64]
  EXPECT_TRUE(models::folds_embedding(c));
  // Per step: W_hh of layer 0, [W_ih | W_hh] of layer 1, the decoder; not W_ih of layer 0.
  EXPECT_EQ(models::step_weight_counts(c).recurrent, 2048 * 512 + 2048 * 1024);
  c.vocab_size = 10000;  // words: the table would be 156 times W_ih
  EXPECT_FALSE(models::folds_embedding(c));
  EXPECT_EQ(models::step_weight_counts(c).recurrent, 2048 * (64 + 512) + 2048 * 1024);
  c.embed_size = 0;  // one-hot is always gathered, from W_ih^T
  EXPECT_FALSE(models::folds_embedding(c));
  EXPECT_EQ(models::step_weight_counts(c).recurrent, 2048 * 512 + 2048 * 1024);
}

}  // namespace
}  // namespace rnngen
