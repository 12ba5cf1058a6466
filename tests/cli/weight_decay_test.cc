// `train --weight-decay`: AdamW's decoupled decay takes lr x wd x p off every weight at each
// step, apart from the gradient's part. From the same seed one step with wd = a and one with
// wd = 2a differ from the step with wd = 0 by d and 2d, where d = -lr x a x p (p the weight
// before the step, which Adam's first step moves by at most lr). A negative value, and a resume with another value than the
// checkpoint's, are one-line usage errors naming the flag.
#include <gtest/gtest.h>

#include <cmath>

#include "cli/cli_fixtures.h"
#include "io/safetensors.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class WeightDecayCli : public ::testing::Test {
 protected:
  std::vector<std::string> args(const std::string& name) {
    const std::string data = tmp_.write("data.txt", tiny_corpus());
    return tiny_train_args(data, (tmp_.path() / name).string()) +
           std::vector<std::string>{"--optimizer", "adamw", "--lr", "0.001", "--dropout", "0"};
  }
  std::map<std::string, io::LoadedTensor> weights(const std::string& name) {
    return io::read_safetensors((tmp_.path() / name / "model.safetensors").string());
  }
  TempDir tmp_;
};

TEST_F(WeightDecayCli, AdamwTakesLrTimesDecayTimesTheWeight) {
  for (const auto& [name, wd] : {std::pair{"none", "0"}, {"a", "10"}, {"two_a", "20"}}) {
    const CliResult r = run_cli(args(name) + std::vector<std::string>{"--max-steps", "1", "--weight-decay", wd});
    ASSERT_EQ(r.exit_code, 0) << show(r);
  }
  const auto none = weights("none"), a = weights("a"), two_a = weights("two_a");
  size_t checked = 0, opposite = 0;
  for (const auto& [tensor, t0] : none) {
    const std::vector<float>&p0 = t0.data, &pa = a.at(tensor).data, &p2a = two_a.at(tensor).data;
    for (size_t i = 0; i < p0.size(); ++i) {
      const double d = pa[i] - p0[i], d2 = p2a[i] - p0[i];
      if (std::abs(p0[i]) < 0.01) continue;  // where Adam's step (at most 0.001) could flip the sign
      EXPECT_NEAR(d2, 2 * d, 1e-6) << tensor << "[" << i << "]";
      // d = -0.001 x 10 x p, and p = p0 -+ at most 0.001.
      EXPECT_NEAR(d, -0.01 * p0[i], 1e-5 + 1e-6) << tensor << "[" << i << "]";
      ++checked;
      opposite += d * p0[i] < 0;
    }
  }
  EXPECT_GT(checked, 50u);
  EXPECT_EQ(opposite, checked) << "the decay must shrink every weight it touches";
}

TEST_F(WeightDecayCli, NegativeIsAUsageError) {
  const CliResult r = run_cli(args("neg") + std::vector<std::string>{"--max-steps", "1", "--weight-decay", "-0.1"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("--weight-decay must be >= 0"), std::string::npos) << r.err;
}

TEST_F(WeightDecayCli, ResumeNeedsTheSameValue) {
  ASSERT_EQ(run_cli(args("m") + std::vector<std::string>{"--max-steps", "2", "--weight-decay", "0.3"}).exit_code, 0);
  const CliResult other = run_cli(args("m") + std::vector<std::string>{"--max-steps", "4", "--resume"});
  EXPECT_EQ(other.exit_code, 2) << show(other);
  EXPECT_NE(other.err.find("--weight-decay 0.3, not 0.01"), std::string::npos) << other.err;
  const CliResult same =
      run_cli(args("m") + std::vector<std::string>{"--max-steps", "4", "--resume", "--weight-decay", "0.3"});
  EXPECT_EQ(same.exit_code, 0) << show(same);
}

}  // namespace
}  // namespace rnngen::testing
