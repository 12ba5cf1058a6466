// Stream batching carries the recurrent state across truncated-BPTT windows: scoring a text
// window by window with StreamBatches (one stream, state carried) gives the same NLL as
// score_stream, the contract's eval. Resetting the state at every window, the classic bug,
// gives a clearly different number, so the comparison can tell the two apart.
#include <gtest/gtest.h>

#include <cmath>

#include "models/init.h"
#include "models/rnnlm.h"
#include "text/batching.h"
#include "train/evaluate.h"

namespace rnngen::train {
namespace {

struct WindowSum {
  double nll_sum = 0;
  int64_t counted = 0;
};

// Scores every window of one stream; `carry` false starts each window from a zero state.
WindowSum score_windows(models::RnnLm<float>& net, const std::vector<int32_t>& ids, int seq_len, bool carry) {
  text::StreamBatches batches(ids, 1, seq_len);
  models::LmState<float> state, next;
  text::Window w;
  WindowSum s;
  for (int i = 0; i < batches.windows(); ++i) {
    batches.get(i, w);
    if (w.reset_state || !carry) net.zero_state(w.batch, state);
    s.nll_sum += net.forward(w.ids.data(), w.targets.data(), w.batch, w.len, &state, models::ForwardOptions{});
    s.counted += net.counted();
    net.final_state(next);
    std::swap(state, next);
  }
  return s;
}

class StreamState : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    cfg_.cell = GetParam();
    cfg_.vocab_size = 11;
    cfg_.embed_size = 5;
    cfg_.hidden_size = 16;
    cfg_.num_layers = 2;
    net_ = std::make_unique<models::RnnLm<float>>(cfg_);
    Rng rng(3);
    models::init_params(cfg_, net_->table(), models::parse_init("uniform:0.4"), rng, net_->params());
    // A text with long-range structure: a repeated phrase the state can remember.
    for (int i = 0; i < 203; ++i) ids_.push_back(static_cast<int32_t>((i * 7 + i / 13) % cfg_.vocab_size));
  }
  ModelConfig cfg_;
  std::unique_ptr<models::RnnLm<float>> net_;
  std::vector<int32_t> ids_;
};

TEST_P(StreamState, CarriedWindowsEqualOneStream) {
  const StreamScore whole = score_stream(*net_, ids_);
  for (int seq_len : {1, 7, 50, 202, 400}) {
    SCOPED_TRACE(seq_len);
    const WindowSum carried = score_windows(*net_, ids_, seq_len, true);
    EXPECT_EQ(carried.counted, whole.predicted);
    EXPECT_NEAR(carried.nll_sum, whole.nll_sum, 1e-5 * whole.nll_sum);
  }
}

TEST_P(StreamState, ResettingEveryWindowDiffers) {
  const StreamScore whole = score_stream(*net_, ids_);
  const WindowSum reset = score_windows(*net_, ids_, 7, false);
  EXPECT_EQ(reset.counted, whole.predicted);
  EXPECT_GT(std::abs(reset.nll_sum - whole.nll_sum), 1e-3 * whole.nll_sum)
      << "the state must matter, or the carried test above proves nothing";
}

TEST_P(StreamState, TokenByTokenEqualsWindows) {
  // What `eval` runs for a model whose recurrent weights outweigh its decoder (this one): the
  // generation path, token by token, gives the windows' score to float rounding.
  ASSERT_TRUE(steps_score_faster(cfg_));
  const StreamScore whole = score_stream(*net_, ids_);
  const StreamScore steps = score_stream_steps(*net_, ids_, models::WeightFormat::kF32);
  EXPECT_EQ(steps.predicted, whole.predicted);
  EXPECT_NEAR(steps.nll_sum, whole.nll_sum, 1e-6 * whole.nll_sum);
}

TEST_P(StreamState, ProgressCountsUpToTheTotalAndChangesNothing) {
  // 2,000 tokens: several calls on both paths (every window of 256 tokens, every 256 steps).
  std::vector<int32_t> ids;
  for (int i = 0; i < 2000; ++i) ids.push_back(static_cast<int32_t>((i * 7 + i / 13) % cfg_.vocab_size));
  for (bool steps : {false, true}) {
    SCOPED_TRACE(steps ? "steps" : "windows");
    std::vector<std::pair<int64_t, int64_t>> calls;
    const ScoreProgress record = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
    const StreamScore quiet = steps ? score_stream_steps(*net_, ids, models::WeightFormat::kF32) : score_stream(*net_, ids);
    const StreamScore shown = steps ? score_stream_steps(*net_, ids, models::WeightFormat::kF32, record)
                                    : score_stream(*net_, ids, 256, record);
    EXPECT_EQ(shown.nll_sum, quiet.nll_sum);
    ASSERT_GE(calls.size(), 7u);
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(calls[i].second, 1999);
      EXPECT_GT(calls[i].first, i ? calls[i - 1].first : 0);
      EXPECT_LE(calls[i].first, 1999);
    }
    if (!steps) {
      EXPECT_EQ(calls.back().first, 1999) << "the windows end at the total";
    }
  }
}

TEST(StepsScoreFaster, FollowsTheLargerWeights) {
  ModelConfig c;
  c.cell = "lstm";
  c.embed_size = 64;
  c.hidden_size = 512;
  c.num_layers = 2;
  c.vocab_size = 65;  // a char model: decoder 33k weights, recurrent 3.8M
  EXPECT_TRUE(steps_score_faster(c));
  c.embed_size = c.hidden_size = 650;
  c.vocab_size = 2000;  // decoder 1.3M, recurrent 6.8M: too large for the cache
  EXPECT_FALSE(steps_score_faster(c));
  c.hidden_size = c.embed_size = 200;
  c.vocab_size = 10000;  // PTB small: decoder 2M, recurrent 0.64M
  EXPECT_FALSE(steps_score_faster(c));
}

INSTANTIATE_TEST_SUITE_P(Cells, StreamState, ::testing::Values("lstm", "gru", "rnn"));

}  // namespace
}  // namespace rnngen::train
