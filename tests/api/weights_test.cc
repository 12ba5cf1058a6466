// get_weights / set_weights in both conventions: shapes, the GRU gate reordering (Keras z,r,h
// vs PyTorch r,z,n), the folding of b_ih + b_hh into Keras's single bias, and a SimpleRNN
// forward against its equation h_t = tanh(x_t W_x + h_{t-1} W_h + b) written out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "rnngen/layers.h"
#include "rnngen/sequential.h"
#include "seed_train_x.h"

namespace rnngen {
namespace {

using testing::seed_train_x;

Tensor iota(Shape shape, float scale) {
  Tensor t(std::move(shape));
  for (int64_t k = 0; k < t.size(); ++k) t[k] = scale * static_cast<float>(k + 1);
  return t;
}

TEST(Weights, GruGateBlocksSwapBetweenConventions) {
  const int D = 2, H = 3;
  GRU gru(H);
  gru.build({None, 4, D});
  // Keras kernel column blocks z | r | h filled with 1 | 2 | 3.
  Tensor kernel({D, 3 * H}), recurrent({H, 3 * H}), bias({2, 3 * H});
  for (int64_t col = 0; col < 3 * H; ++col) {
    const float block = static_cast<float>(col / H + 1);
    for (int d = 0; d < D; ++d) kernel[d * 3 * H + col] = block;
    for (int k = 0; k < H; ++k) recurrent[k * 3 * H + col] = 10 * block;
    bias[col] = 100 * block;
    bias[3 * H + col] = 1000 * block;
  }
  gru.set_weights({kernel, recurrent, bias});
  const auto pt = gru.get_weights(Convention::PyTorch);
  ASSERT_EQ(pt.size(), 4u);
  EXPECT_EQ(pt[0].shape_str(), "(9, 2)");
  // PyTorch rows r | z | n hold Keras's r (2) | z (1) | h (3).
  const float want[3] = {2, 1, 3};
  for (int g = 0; g < 3; ++g) {
    EXPECT_EQ(pt[0][g * H * D], want[g]);
    EXPECT_EQ(pt[1][g * H * H], 10 * want[g]);
    EXPECT_EQ(pt[2][g * H], 100 * want[g]);
    EXPECT_EQ(pt[3][g * H], 1000 * want[g]);
  }
  const auto back = gru.get_weights(Convention::Keras);
  EXPECT_EQ(back[0].values(), kernel.values());
  EXPECT_EQ(back[1].values(), recurrent.values());
  EXPECT_EQ(back[2].values(), bias.values());
}

TEST(Weights, KerasBiasIsTheSumOfBothPyTorchBiases) {
  LSTM lstm(3, {});
  auto x = seed_train_x();
  const auto before = lstm(x).output;
  auto pt = lstm.get_weights(Convention::PyTorch);
  for (int64_t k = 0; k < pt[3].size(); ++k) pt[3][k] = 0.01f * static_cast<float>(k);  // b_hh
  lstm.set_weights(pt, Convention::PyTorch);
  const auto with_bhh = lstm(x).output;
  const auto keras = lstm.get_weights(Convention::Keras);
  EXPECT_EQ(keras[2].shape_str(), "(12,)");
  EXPECT_FLOAT_EQ(keras[2][5], pt[2][5] + pt[3][5]);
  lstm.set_weights(keras);  // b_ih = sum, b_hh = 0: the same function
  const auto refolded = lstm(x).output;
  for (int64_t k = 0; k < refolded.size(); ++k) EXPECT_NEAR(refolded[k], with_bhh[k], 1e-6);
  EXPECT_NE(before.values(), with_bhh.values());
}

TEST(Weights, DefaultLstmForgetBiasIsOne) {
  LSTM lstm(2);
  lstm.build({None, 3, 4});
  const auto bias = lstm.get_weights()[2];
  const float want[8] = {0, 0, 1, 1, 0, 0, 0, 0};  // i | f | c | o
  for (int k = 0; k < 8; ++k) EXPECT_EQ(bias[k], want[k]);
}

TEST(Weights, SimpleRnnMatchesItsEquation) {
  // The Keras-like designated-initializer call. GCC 12's -Wextra wrongly flags omitted members
  // of a designated initializer as missing (they take their defaults), hence the pragma.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
  SimpleRNN rnn(3, {.return_sequences = true});
#pragma GCC diagnostic pop
  rnn.build({1, 4, 5});
  const Tensor wx = iota({5, 3}, 0.01f), wh = iota({3, 3}, -0.02f), b = iota({3}, 0.1f);
  rnn.set_weights({wx, wh, b});
  const Tensor x = seed_train_x();
  const Tensor y = rnn(x).output;
  double h[3] = {0, 0, 0};
  for (int t = 0; t < 4; ++t) {
    double next[3];
    for (int j = 0; j < 3; ++j) {
      double s = b[j];
      for (int d = 0; d < 5; ++d) s += x.at({0, t, d}) * wx.at({d, j});
      for (int k = 0; k < 3; ++k) s += h[k] * wh.at({k, j});
      next[j] = std::tanh(s);
    }
    for (int j = 0; j < 3; ++j) {
      h[j] = next[j];
      EXPECT_NEAR(y.at({0, t, j}), h[j], 1e-6) << t << j;
    }
  }
}

TEST(Weights, SequentialRunsTheQuizModelOnIds) {
  Sequential model;
  model.add(Embedding(50, 8));
  model.add(SimpleRNN(16));
  model.add(Dense(1, "sigmoid"));
  Tensor ids({2, 6}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 49});
  Tensor p = model(ids);
  EXPECT_EQ(p.shape_str(), "(2, 1)");
  for (int64_t k = 0; k < p.size(); ++k) EXPECT_TRUE(p[k] > 0 && p[k] < 1);
}

}  // namespace
}  // namespace rnngen
