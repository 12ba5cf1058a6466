// `--weights fp32|bf16|int8` on `eval` and `sample`: each precision scores close to fp32 and
// is really used (int8 changes the score), sampling with int8 is deterministic, and a bad value
// is a one-line usage error naming the flag.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class WeightsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = train_tiny_model(tmp_.path(), "model", 30);
    text_ = tmp_.write("text.txt", tiny_corpus(12));
  }
  double nll(const std::vector<std::string>& extra) {
    const CliResult r = run_cli(std::vector<std::string>{"eval", model_, text_, "--json", "--threads", "1"} + extra);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return nlohmann::json::parse(r.out).at("nll").get<double>();
  }
  TempDir tmp_;
  std::string model_, text_;
};

TEST_F(WeightsCli, EvalScoresCloseToFp32InEveryPrecision) {
  const double plain = nll({}), fp32 = nll({"--weights", "fp32"});
  const double bf16 = nll({"--weights", "bf16"}), int8 = nll({"--weights", "int8"});
  EXPECT_NEAR(fp32, plain, 1e-6 * plain) << "token by token and in windows: the same score";
  EXPECT_NEAR(bf16, fp32, 0.01);
  EXPECT_NEAR(int8, fp32, 0.02);
  EXPECT_NE(int8, fp32) << "int8 weights must change the score a little, or they were not used";
}

TEST_F(WeightsCli, Int8SamplingIsDeterministic) {
  const std::vector<std::string> args = {"sample", model_, "--weights", "int8", "--length", "40", "--seed", "3", "--prime", "the "};
  const CliResult a = run_cli(args), b = run_cli(args);
  ASSERT_EQ(a.exit_code, 0) << show(a);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out.rfind("the ", 0), 0u) << a.out;
  EXPECT_GE(a.out.size(), 44u) << a.out;
}

TEST_F(WeightsCli, UnknownPrecisionIsAUsageError) {
  for (const char* cmd : {"eval", "sample"}) {
    std::vector<std::string> args = {cmd, model_};
    if (std::string(cmd) == "eval") args.push_back(text_);
    args.insert(args.end(), {"--weights", "int4"});
    expect_input_error(run_cli(args), {"--weights", "'int4'", "fp32, bf16 or int8"});
  }
}

}  // namespace
}  // namespace rnngen::testing
