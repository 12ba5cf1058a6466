// What `rnngen sample` promises: --length N generates exactly N tokens (a char model: N code
// points after the prime), --stop ends right after the first occurrence, the output is always
// valid UTF-8, --num-samples, --skip-tokens and --greedy do what they say.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

// Code points of valid UTF-8, or -1 when it is not valid (an oracle independent of src/text).
int64_t code_points(const std::string& s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return -1;
    i += len;
  }
  return n;
}

class Sample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir;
    // Multi-byte characters of every UTF-8 length, so a sampled byte split would show.
    std::string text = tiny_corpus(40);
    for (int i = 0; i < 8; ++i) text += "café naïve 한국어 😀 the cat\n";
    const std::string data = tmp_->write("data.txt", text);
    model_ = tmp_->file("model");
    const CliResult r = run_cli(tiny_train_args(data, model_) + std::vector<std::string>{"--max-steps", "30"});
    ASSERT_EQ(r.exit_code, 0) << show(r);
  }
  static void TearDownTestSuite() { delete tmp_; }

  static CliResult sample(const std::vector<std::string>& flags) {
    CliResult r = run_cli(std::vector<std::string>{"sample", model_} + flags);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_EQ(r.err, "");
    return r;
  }
  // stdout without the newline the command ends its output with.
  static std::string body(const CliResult& r) {
    EXPECT_TRUE(!r.out.empty() && r.out.back() == '\n');
    return r.out.substr(0, r.out.size() - 1);
  }

  static TempDir* tmp_;
  static std::string model_;
};

TempDir* Sample::tmp_ = nullptr;
std::string Sample::model_;

TEST_F(Sample, LengthCountsGeneratedCodePointsAfterThePrime) {
  for (const std::string prime : {"", "the ", "café 한"}) {
    for (int n : {1, 2, 17, 300}) {
      SCOPED_TRACE("prime '" + prime + "', length " + std::to_string(n));
      // High temperature: every character, multi-byte ones included, gets sampled often.
      const std::string out = body(sample({"--prime", prime, "--length", std::to_string(n), "--seed", "3",
                                           "--temperature", "2"}));
      ASSERT_EQ(out.rfind(prime, 0), 0u) << "the prime comes first: " << out;
      EXPECT_EQ(code_points(out.substr(prime.size())), n) << out;
    }
  }
}

TEST_F(Sample, OutputIsValidUtf8AndUsesMultiByteCharacters) {
  const std::string out = sample({"--length", "2000", "--seed", "9", "--temperature", "3"}).out;
  EXPECT_EQ(code_points(out), 2001) << "2000 characters and the final newline";
  EXPECT_NE(out.find_first_of("\xC3\xED\xF0"), std::string::npos) << "no multi-byte character was sampled";
}

TEST_F(Sample, StopEndsRightAfterTheFirstOccurrence) {
  int stopped = 0;
  for (const std::string stop : {"a", "t ", "한"}) {
    for (int seed = 1; seed <= 5; ++seed) {
      const std::string out =
          body(sample({"--prime", "t", "--stop", stop, "--length", "3000", "--seed", std::to_string(seed)}));
      const std::string gen = out.substr(1);
      if (code_points(gen) == 3000) continue;  // never generated: nothing to check
      ++stopped;
      ASSERT_GE(gen.size(), stop.size());
      EXPECT_EQ(gen.find(stop), gen.size() - stop.size()) << "stop '" << stop << "': " << gen;
    }
  }
  EXPECT_GE(stopped, 10);
}

TEST_F(Sample, StopInThePrimeDoesNotStop) {
  const std::string out = body(sample({"--prime", "the cat", "--stop", "cat", "--length", "40", "--greedy"}));
  EXPECT_EQ(out.rfind("the cat", 0), 0u);
  EXPECT_GT(out.size(), 7u);
}

TEST_F(Sample, NumSamplesAreSeparatedByABlankLine) {
  const std::string one = body(sample({"--prime", "the", "--length", "30", "--greedy"}));
  const std::string three = body(sample({"--prime", "the", "--length", "30", "--greedy", "--num-samples", "3"}));
  EXPECT_EQ(three, one + "\n\n" + one + "\n\n" + one);
  const std::string sampled = body(sample({"--prime", "the", "--length", "30", "--seed", "2", "--num-samples", "4"}));
  EXPECT_EQ(code_points(sampled), 4 * (3 + 30) + 3 * 2);
}

TEST_F(Sample, SkipTokensAreNeverEmitted) {
  const std::string banned = "a e t 😀";
  const std::string out = body(sample({"--prime", "the", "--skip-tokens", banned, "--length", "3000", "--seed", "4",
                                       "--temperature", "2"}));
  const std::string gen = out.substr(3);
  for (const std::string t : {"a", "e", "t", "😀"}) EXPECT_EQ(gen.find(t), std::string::npos) << t << " in " << gen;
  // Without the ban they are common: the check above is not vacuous.
  const std::string free_gen = body(sample({"--prime", "the", "--length", "3000", "--seed", "4", "--temperature", "2"}));
  for (const std::string t : {"a", "e", "t"}) EXPECT_NE(free_gen.find(t, 3), std::string::npos) << t;
}

TEST_F(Sample, GreedyIsDeterministicWithoutASeed) {
  const std::string a = sample({"--prime", "the ", "--length", "100", "--greedy"}).out;
  EXPECT_EQ(sample({"--prime", "the ", "--length", "100", "--greedy"}).out, a);
  EXPECT_EQ(sample({"--prime", "the ", "--length", "100", "--temperature", "0"}).out, a);
  // Sampling without a seed draws a fresh one, so two runs differ (at 300 characters, surely).
  EXPECT_NE(sample({"--length", "300", "--temperature", "2"}).out, sample({"--length", "300", "--temperature", "2"}).out);
}

TEST_F(Sample, SameSeedSameText) {
  EXPECT_EQ(sample({"--length", "200", "--seed", "8", "--top-k", "5", "--top-p", "0.9"}).out,
            sample({"--length", "200", "--seed", "8", "--top-k", "5", "--top-p", "0.9"}).out);
}

}  // namespace
}  // namespace rnngen::testing
