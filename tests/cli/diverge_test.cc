// A run whose loss becomes NaN or inf stops at once with one line on stderr and exit 1, and
// leaves --out as it was at the last finite step: finite weights in model.safetensors and in
// the checkpoint, which a --resume with a lower learning rate continues.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cli/cli_fixtures.h"
#include "io/safetensors.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

namespace fs = std::filesystem;

// Every float of every tensor in the file is finite; names the first that is not.
::testing::AssertionResult all_finite(const std::string& path) {
  for (const auto& [name, t] : io::read_safetensors(path))
    for (float v : t.data)
      if (!std::isfinite(v)) return ::testing::AssertionFailure() << path << ": " << name << " holds " << v;
  return ::testing::AssertionSuccess();
}

class Diverge : public ::testing::Test {
 protected:
  void SetUp() override { data_ = tmp_.write("data.txt", tiny_corpus()); }
  // SGD with a learning rate that throws the weights far beyond any sane scale.
  std::vector<std::string> args(const std::vector<std::string>& extra) const {
    return tiny_train_args(data_, out()) + std::vector<std::string>{"--optimizer", "sgd", "--lr", "1e30", "--epochs", "3"} + extra;
  }
  std::string out() const { return tmp_.file("out"); }
  void expect_diverged(const CliResult& r, const std::string& what) {
    EXPECT_EQ(r.exit_code, 1) << show(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "stderr must be one line: " << r.err;
    for (const std::string& n : {std::string("training diverged at step "), what, out(), std::string("--lr")})
      EXPECT_NE(r.err.find(n), std::string::npos) << "'" << n << "' not in: " << r.err;
    EXPECT_TRUE(all_finite(out() + "/model.safetensors"));
    EXPECT_TRUE(all_finite(out() + "/checkpoint/state.safetensors"));
  }

  TempDir tmp_;
  std::string data_;
};

// Without validation every evaluation saves the latest weights: before the check, the end of
// the first epoch wrote NaN over the model.
TEST_F(Diverge, WithoutClippingTheNonFiniteLossStopsTrainingAndNothingNaNIsSaved) {
  expect_diverged(run_cli(args({"--clip", "0", "--val-fraction", "0"})), "the loss is ");
}

// Clipped steps of 1e38 x 0.25 grow the weights towards the float range; the backward pass
// overflows (W^T times the logits' gradient) before the loss does.
TEST_F(Diverge, WithClippingTheNonFiniteGradientNormStopsTrainingBeforeTheUpdate) {
  expect_diverged(run_cli(args({"--lr", "1e38", "--clip", "0.25", "--val-fraction", "0"})), "the gradient norm is ");
}

// A checkpoint every step: the weights a bad step leaves are caught before they are written.
TEST_F(Diverge, NonFiniteWeightsAreNeverCheckpointed) {
  expect_diverged(run_cli(args({"--clip", "0", "--checkpoint-every", "1"})), "the weights after it are not finite");
}

TEST_F(Diverge, WithValidationTheLastCheckpointResumesWithALowerLearningRate) {
  const CliResult r = run_cli(args({"--clip", "0"}));
  expect_diverged(r, "the loss is ");
  const CliResult again = run_cli(args({"--clip", "0", "--lr", "0.5", "--resume"}));
  EXPECT_EQ(again.exit_code, 0) << show(again);
  EXPECT_TRUE(all_finite(out() + "/model.safetensors"));
}

}  // namespace
}  // namespace rnngen::testing
