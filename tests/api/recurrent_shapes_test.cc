// Seed 003's SimpleRNN(3) and LSTM(3) on train_X (1, 4, 5), for every combination of
// return_sequences and return_state: the output shapes the seed prints, and the returned
// final state equals the last step of the output (its values are random in the seed, so only
// the shapes and that identity are checked).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rnngen/layers.h"
#include "seed_train_x.h"

namespace rnngen {
namespace {

using testing::seed_train_x;

struct Combo {
  bool return_sequences, return_state;
};

const Combo kCombos[] = {{false, false}, {true, false}, {true, true}, {false, true}};

// The last step of an output: the output itself when it is (B, H), else its row t = T-1.
std::vector<float> last_step(const Tensor& out) {
  const int64_t H = out.dim(-1);
  const float* p = out.data() + (out.rank() == 3 ? (out.dim(1) - 1) * H : 0);
  return std::vector<float>(p, p + H);
}

std::vector<std::string> shapes(const LayerOutput& out) {
  std::vector<std::string> s{out.output.shape_str()};
  for (const auto& t : out.states) s.push_back(t.shape_str());
  return s;
}

RecurrentOptions options(Combo c) {
  RecurrentOptions o;
  o.return_sequences = c.return_sequences;
  o.return_state = c.return_state;
  return o;
}

TEST(KerasShapes, SimpleRnn) {
  for (Combo c : kCombos) {
    SimpleRNN rnn(3, options(c));
    auto out = rnn(seed_train_x());
    std::vector<std::string> want{c.return_sequences ? "(1, 4, 3)" : "(1, 3)"};
    if (c.return_state) want.push_back("(1, 3)");  // last hidden state
    EXPECT_EQ(shapes(out), want) << c.return_sequences << c.return_state;
    if (c.return_state) {
      EXPECT_EQ(last_step(out.output), out.states[0].values());
    }
  }
}

TEST(KerasShapes, Lstm) {
  for (Combo c : kCombos) {
    LSTM lstm(3, options(c));
    auto out = lstm(seed_train_x());
    std::vector<std::string> want{c.return_sequences ? "(1, 4, 3)" : "(1, 3)"};
    if (c.return_state) {
      want.push_back("(1, 3)");  // last hidden state
      want.push_back("(1, 3)");  // last cell state
    }
    EXPECT_EQ(shapes(out), want) << c.return_sequences << c.return_state;
    if (c.return_state) {
      EXPECT_EQ(last_step(out.output), out.states[0].values());
    }
  }
}

TEST(KerasShapes, GruAndBidirectional) {
  RecurrentOptions o = options({true, true});
  auto gru = GRU(3, o)(seed_train_x());
  EXPECT_EQ(shapes(gru), (std::vector<std::string>{"(1, 4, 3)", "(1, 3)"}));
  EXPECT_EQ(last_step(gru.output), gru.states[0].values());

  auto bi = Bidirectional(LSTM(3, o))(seed_train_x());
  EXPECT_EQ(shapes(bi), (std::vector<std::string>{"(1, 4, 6)", "(1, 3)", "(1, 3)", "(1, 3)",
                                                  "(1, 3)"}));
  auto bisum = Bidirectional(SimpleRNN(3, o), "sum")(seed_train_x());
  EXPECT_EQ(shapes(bisum), (std::vector<std::string>{"(1, 4, 3)", "(1, 3)", "(1, 3)"}));
}

TEST(KerasShapes, ShapeStringsLikePython) {
  EXPECT_EQ(format_shape({None, 10, 16}), "(None, 10, 16)");
  EXPECT_EQ(format_shape({5}), "(5,)");
  EXPECT_EQ(format_shape({}), "()");
}

}  // namespace
}  // namespace rnngen
