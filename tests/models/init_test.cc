// --init keras: Keras's defaults in PyTorch's layout. Recurrent kernels orthogonal (the whole
// [G*H, H] weight_hh has orthonormal columns, as Keras's [H, G*H] recurrent kernel has
// orthonormal rows), input and decoder kernels glorot-uniform within their bound, embedding
// U(-0.05, 0.05), biases zero with LSTM's forget block 1. Also that pytorch and uniform keep
// their bounds and parse_init rejects junk.
#include "models/init.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/rnnlm.h"
#include "rnngen/error.h"

namespace rnngen::models {
namespace {

ModelConfig config(const char* cell, int embed, int hidden, int layers) {
  ModelConfig c;
  c.cell = cell;
  c.vocab_size = 17;
  c.embed_size = embed;
  c.hidden_size = hidden;
  c.num_layers = layers;
  return c;
}

struct Span {
  const float* x;
  size_t n;
  float max_abs() const {
    float m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, std::abs(x[i]));
    return m;
  }
};

Span tensor(const RnnLm<float>& m, const std::string& name) {
  const ParamInfo& p = m.table().at(name);
  return {m.params() + p.offset, p.size};
}

// max |W^T W - I| for W [rows, cols] row-major (orthonormal columns).
double column_gram_error(const float* w, int64_t rows, int64_t cols) {
  double worst = 0;
  for (int64_t a = 0; a < cols; ++a)
    for (int64_t b = 0; b < cols; ++b) {
      double d = 0;
      for (int64_t k = 0; k < rows; ++k) d += static_cast<double>(w[k * cols + a]) * w[k * cols + b];
      worst = std::max(worst, std::abs(d - (a == b ? 1.0 : 0.0)));
    }
  return worst;
}

class KerasInit : public ::testing::TestWithParam<const char*> {};

TEST_P(KerasInit, FollowsKerasDefaults) {
  const std::string cell = GetParam();
  const int H = 24, E = 11, V = 17, L = 2;
  const int G = cell == "lstm" ? 4 : cell == "gru" ? 3 : 1;
  const ModelConfig cfg = config(cell.c_str(), E, H, L);
  RnnLm<float> m(cfg);
  Rng rng(5);
  init_params(cfg, m.table(), parse_init("keras"), rng, m.params());

  const Span emb = tensor(m, "embedding.weight");
  EXPECT_LE(emb.max_abs(), 0.05f);
  EXPECT_GT(emb.max_abs(), 0.045f);  // 187 draws: the bound is nearly reached

  for (int k = 0; k < L; ++k) {
    const std::string l = std::to_string(k);
    const int in = k == 0 ? E : H;
    const Span w_hh = tensor(m, "rnn.weight_hh_l" + l);
    EXPECT_LT(column_gram_error(w_hh.x, G * H, H), 2e-6) << cell << " layer " << k;
    // Orthogonal, not glorot: every column has norm 1, so the mean square is 1/(G*H).
    double ss = 0;
    for (size_t i = 0; i < w_hh.n; ++i) ss += static_cast<double>(w_hh.x[i]) * w_hh.x[i];
    EXPECT_NEAR(ss / static_cast<double>(w_hh.n), 1.0 / (G * H), 1e-6);

    const Span w_ih = tensor(m, "rnn.weight_ih_l" + l);
    const float glorot = static_cast<float>(std::sqrt(6.0 / (in + G * H)));
    EXPECT_LE(w_ih.max_abs(), glorot);
    EXPECT_GT(w_ih.max_abs(), 0.95f * glorot);

    const Span b_ih = tensor(m, "rnn.bias_ih_l" + l), b_hh = tensor(m, "rnn.bias_hh_l" + l);
    for (int i = 0; i < G * H; ++i) {
      const bool forget = cell == "lstm" && i >= H && i < 2 * H;
      EXPECT_EQ(b_ih.x[i], forget ? 1.0f : 0.0f) << cell << " bias_ih_l" << k << "[" << i << "]";
      EXPECT_EQ(b_hh.x[i], 0.0f) << cell << " bias_hh_l" << k << "[" << i << "]";
    }
  }
  const Span dec = tensor(m, "decoder.weight");
  const float glorot = static_cast<float>(std::sqrt(6.0 / (H + V)));
  EXPECT_LE(dec.max_abs(), glorot);
  EXPECT_GT(dec.max_abs(), 0.9f * glorot);
  EXPECT_EQ(tensor(m, "decoder.bias").max_abs(), 0.0f);
}

INSTANTIATE_TEST_SUITE_P(Cells, KerasInit, ::testing::Values("lstm", "gru", "rnn"));

TEST(KerasInit, OneHotInputAndHiddenOne) {
  // embed 0: weight_ih [4H, V]; H = 1: weight_hh [4, 1] is one unit vector.
  const ModelConfig cfg = config("lstm", 0, 1, 1);
  RnnLm<float> m(cfg);
  Rng rng(9);
  init_params(cfg, m.table(), parse_init("keras"), rng, m.params());
  EXPECT_LT(column_gram_error(tensor(m, "rnn.weight_hh_l0").x, 4, 1), 1e-6);
  EXPECT_LE(tensor(m, "rnn.weight_ih_l0").max_abs(), static_cast<float>(std::sqrt(6.0 / (17 + 4))));
  EXPECT_EQ(tensor(m, "rnn.bias_ih_l0").x[1], 1.0f);
}

TEST(InitSchemes, PytorchAndUniformKeepTheirBounds) {
  const ModelConfig cfg = config("lstm", 11, 16, 1);
  RnnLm<float> m(cfg);
  Rng rng(1);
  init_params(cfg, m.table(), parse_init("pytorch"), rng, m.params());
  EXPECT_LE(tensor(m, "rnn.weight_hh_l0").max_abs(), 0.25f);  // 1/sqrt(16)
  EXPECT_LE(tensor(m, "decoder.bias").max_abs(), 0.25f);
  EXPECT_GT(tensor(m, "embedding.weight").max_abs(), 1.0f);   // N(0, 1)
  init_params(cfg, m.table(), parse_init("uniform:0.1"), rng, m.params());
  for (const auto& p : m.table().entries()) EXPECT_LE(tensor(m, p.name).max_abs(), 0.1f) << p.name;
}

TEST(InitSchemes, Dlfs2HasTheBooksScales) {
  // The book's randn / 100 and randn / sqrt(fan_in): sample standard deviations within 5% (each
  // tensor has >= 4,000 values, so the sampling error is about 1%), means near 0, biases zero.
  ModelConfig cfg = config("lstm", 40, 64, 2);
  cfg.vocab_size = 200;
  RnnLm<float> m(cfg);
  Rng rng(3);
  init_params(cfg, m.table(), parse_init("dlfs2"), rng, m.params());
  auto sd = [&](const std::string& name, double want) {
    const Span t = tensor(m, name);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < t.n; ++i) {
      s1 += t.x[i];
      s2 += double(t.x[i]) * t.x[i];
    }
    const double mean = s1 / t.n, sdev = std::sqrt(s2 / t.n - mean * mean);
    EXPECT_NEAR(sdev / want, 1.0, 0.05) << name;
    EXPECT_LT(std::fabs(mean), 0.1 * want) << name;
  };
  sd("embedding.weight", 0.01);
  sd("rnn.weight_ih_l0", 1 / std::sqrt(40.0));
  sd("rnn.weight_hh_l0", 1 / std::sqrt(64.0));
  sd("rnn.weight_ih_l1", 1 / std::sqrt(64.0));
  sd("decoder.weight", 1 / std::sqrt(64.0));
  for (const char* b : {"rnn.bias_ih_l0", "rnn.bias_hh_l1", "decoder.bias"}) EXPECT_EQ(tensor(m, b).max_abs(), 0.0f) << b;
}

TEST(InitSchemes, ParseRejectsJunk) {
  for (const char* bad : {"", "glorot", "uniform:", "uniform:-1", "uniform:x", "keras "})
    EXPECT_THROW(parse_init(bad), InputError) << bad;
}

}  // namespace
}  // namespace rnngen::models
