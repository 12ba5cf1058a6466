// `rnngen sample` with flags out of range or a prime the model cannot read: exit 2, one line
// naming the flag and the value, and nothing printed on stdout.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class BadSampleInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir;
    model_ = train_tiny_model(tmp_->path(), "model");
  }
  static void TearDownTestSuite() { delete tmp_; }

  static void expect_rejected(const std::vector<std::string>& flags, const std::vector<std::string>& needles) {
    const CliResult r = run_cli(std::vector<std::string>{"sample", model_, "--length", "5", "--seed", "1"} + flags);
    expect_input_error(r, needles);
    EXPECT_EQ(r.out, "");
  }

  static TempDir* tmp_;
  static std::string model_;
};

TempDir* BadSampleInput::tmp_ = nullptr;
std::string BadSampleInput::model_;

TEST_F(BadSampleInput, GoodFlagsSample) {
  const CliResult r = run_cli({"sample", model_, "--length", "5", "--seed", "1", "--top-p", "1", "--top-k", "1"});
  EXPECT_EQ(r.exit_code, 0) << show(r);
}

TEST_F(BadSampleInput, TopPOutsideZeroOne) {
  expect_rejected({"--top-p", "0"}, {"--top-p", "(0, 1]", "0"});
  expect_rejected({"--top-p", "1.5"}, {"--top-p", "1.5"});
  expect_rejected({"--top-p", "-0.2"}, {"--top-p", "-0.2"});
  expect_rejected({"--top-p", "nan"}, {"--top-p", "nan"});
}

TEST_F(BadSampleInput, TopKBelowOne) {
  expect_rejected({"--top-k", "0"}, {"--top-k", "0"});
  expect_rejected({"--top-k", "-1"}, {"--top-k", "-1"});  // once the "not given" sentinel
}

TEST_F(BadSampleInput, NegativeOrNanTemperature) {
  expect_rejected({"--temperature", "-1"}, {"--temperature", "-1"});
  expect_rejected({"--temperature", "nan"}, {"--temperature", "nan"});
}

TEST_F(BadSampleInput, LengthAndNumSamplesBelowOne) {
  expect_rejected({"--length", "0"}, {"--length", "0"});
  expect_rejected({"--num-samples", "0"}, {"--num-samples", "0"});
}

TEST_F(BadSampleInput, PrimeWithCharactersNotInTheVocabularyListsThem) {
  expect_rejected({"--prime", "the QXcat"}, {"--prime", "'Q' (U+0051)", "'X' (U+0058)", "not in the model's vocabulary"});
}

TEST_F(BadSampleInput, PrimeWithInvisibleCharacterStaysOneLine) {
  expect_rejected({"--prime", "the\tcat"}, {"--prime", "U+0009"});
}

TEST_F(BadSampleInput, SkipTokenNotInTheVocabulary) {
  expect_rejected({"--skip-tokens", "a Q"}, {"--skip-tokens", "'Q'"});
}

}  // namespace
}  // namespace rnngen::testing
