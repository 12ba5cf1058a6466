// `train --precision fp32|bf16`: bf16 GEMMs train to about the loss fp32 reaches from the same
// seed (and do change the numbers); a bad value, bf16 on a CPU without AVX512-BF16, or a resume
// in another precision than the checkpoint's is a one-line usage error naming the flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "ops/cpu.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class PrecisionCli : public ::testing::Test {
 protected:
  std::vector<std::string> train_args(const std::string& name) {
    const std::string data = tmp_.write(name + "-data.txt", tiny_corpus());
    return tiny_train_args(data, (tmp_.path() / name).string()) + std::vector<std::string>{"--max-steps", "40"};
  }
  double nll(const std::string& name) {
    const std::string text = tmp_.write("held-out.txt", tiny_corpus(12));
    const CliResult r = run_cli({"eval", (tmp_.path() / name).string(), text, "--json", "--threads", "1"});
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return nlohmann::json::parse(r.out).at("nll").get<double>();
  }
  TempDir tmp_;
};

TEST_F(PrecisionCli, Bf16TrainsAboutAsFarAsFp32) {
  if (!ops::avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  for (const char* p : {"fp32", "bf16"}) {
    const CliResult r = run_cli(train_args(p) + std::vector<std::string>{"--precision", p});
    ASSERT_EQ(r.exit_code, 0) << show(r);
  }
  const double fp32 = nll("fp32"), bf16 = nll("bf16");
  EXPECT_NEAR(bf16, fp32, 0.05);
  EXPECT_NE(bf16, fp32) << "bf16 GEMMs must change the numbers a little, or they were not used";
}

TEST_F(PrecisionCli, ValidationLossIsTheFp32LossOfTheSavedModel) {
  if (!ops::avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  const std::string held = tmp_.write("held-out.txt", tiny_corpus(12));
  const CliResult r = run_cli(train_args("v") + std::vector<std::string>{"--precision", "bf16", "--val", held});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  // model.safetensors holds the weights of the best validation loss in the log. The held-out
  // text is short enough for one validation stream, which `eval` scores the same way.
  double best = 1e300;
  std::ifstream log(tmp_.path() / "v" / "train_log.jsonl");
  for (std::string line; std::getline(log, line);) {
    const auto j = nlohmann::json::parse(line);
    if (!j.at("val_nll").is_null()) best = std::min(best, j.at("val_nll").get<double>());
  }
  ASSERT_LT(best, 1e300) << "no validation in the log";
  EXPECT_NEAR(nll("v"), best, 1e-6) << "validation under --precision bf16 must score in fp32";
}

TEST_F(PrecisionCli, ResumeNeedsTheSamePrecision) {
  if (!ops::avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  auto args = train_args("m") + std::vector<std::string>{"--max-steps", "3"};
  ASSERT_EQ(run_cli(args).exit_code, 0);
  const CliResult r = run_cli(args + std::vector<std::string>{"--max-steps", "6", "--resume", "--precision", "bf16"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("--precision fp32"), std::string::npos) << r.err;
}

// The default: bf16 for a language model where the CPU has AVX512-BF16, fp32 elsewhere; the
// header says which, the checkpoint records what was used, and --resume (auto again) accepts it.
TEST_F(PrecisionCli, AutoIsBf16WhereTheCpuHasIt) {
  auto args = train_args("auto") + std::vector<std::string>{"--max-steps", "3", "--precision", "auto"};
  args.erase(std::find(args.begin(), args.end(), "-q"));
  const CliResult r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const bool bf16 = ops::avx512_bf16();
  EXPECT_NE(r.err.find(bf16 ? "bf16 GEMMs" : ", fp32"), std::string::npos) << r.err;
  const CliResult again = run_cli(args + std::vector<std::string>{"--max-steps", "5", "--resume"});
  EXPECT_EQ(again.exit_code, 0) << show(again);
  const CliResult other =
      run_cli(args + std::vector<std::string>{"--max-steps", "7", "--resume", "--precision", bf16 ? "fp32" : "auto"});
  if (bf16) {
    EXPECT_EQ(other.exit_code, 2) << show(other);
    EXPECT_NE(other.err.find("--precision bf16"), std::string::npos) << other.err;
  } else {
    EXPECT_EQ(other.exit_code, 0) << show(other);
  }
}

TEST_F(PrecisionCli, BadValueIsAUsageError) {
  const CliResult r = run_cli(train_args("m") + std::vector<std::string>{"--precision", "fp16"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("--precision"), std::string::npos) << r.err;
}

TEST_F(PrecisionCli, Bf16WithoutTheCpuSupportIsAUsageError) {
  // RNNGEN_MAX_ISA=avx2 makes any CPU one without AVX512-BF16, for the child process.
  setenv("RNNGEN_MAX_ISA", "avx2", 1);
  const CliResult r = run_cli(train_args("m") + std::vector<std::string>{"--precision", "bf16"});
  unsetenv("RNNGEN_MAX_ISA");
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("AVX512-BF16"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rnngen::testing
