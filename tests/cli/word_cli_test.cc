// The CLI on word models, end to end: eval --json figures (per-word perplexity, bits per
// character of the original text), sample with a word prime, --skip-tokens, the unknown-word
// error, and the CSV column helper's messages. Models are tiny and train in a second.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "temp_dir.h"

namespace rnngen {
namespace {

struct CliRun {
  int status = -1;
  std::string out, err;
};

// Runs a shell command line; stderr goes to a file in dir so both streams can be checked.
CliRun run(const testing::TempDir& dir, const std::string& cmd) {
  const std::string err_path = dir.file("stderr.txt");
  CliRun r;
  FILE* p = ::popen((cmd + " 2>" + err_path).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = testing::TempDir::read(err_path);
  return r;
}

const std::string kCli = RNNGEN_CLI_PATH;

// PTB-style text with the three tokens seed 004 skips.
const char* kPtbText =
    " the company said N shares of <unk> rose $ N\n"
    " the meaning of life is a <unk> of the company\n"
    " shares rose N N in the market\n"
    " the market said the meaning of life is shares\n";

std::string train_ptb(const testing::TempDir& dir) {
  const std::string data = dir.write("ptb.txt", kPtbText);
  const std::string model = dir.file("ptb_model");
  const CliRun r = run(dir, kCli + " train " + data + " --out " + model +
                             " --tokenizer word --word-style ptb --embed-size 8 --hidden-size 16"
                             " --num-layers 1 --seq-len 8 --batch-size 2 --epochs 3 --val-fraction 0"
                             " --threads 1 -q");
  EXPECT_EQ(r.status, 0) << r.err;
  return model;
}

TEST(WordCli, EvalJsonCountsWordsAndOriginalCharacters) {
  testing::TempDir dir;
  const std::string model = train_ptb(dir);
  // Leading spaces and the newline are characters of the text the model never predicts as such.
  const std::string text = " the market rose\n shares of the company\n";
  const std::string file = dir.write("test.txt", text);
  const CliRun r = run(dir, kCli + " eval " + model + " " + file + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  // 3 + 4 words, one <eos> per line.
  EXPECT_EQ(j.at("tokens").get<int>(), 9);
  const double nll = j.at("nll").get<double>();
  EXPECT_NEAR(j.at("perplexity").get<double>(), std::exp(nll), 1e-9 * std::exp(nll));
  EXPECT_NEAR(j.at("word_perplexity").get<double>(), std::exp(nll), 1e-9 * std::exp(nll));
  EXPECT_NEAR(j.at("bits_per_token").get<double>(), nll / std::log(2.0), 1e-12);
  // 40 code points; " the" is token 0's, so 36 are predicted by the 8 scored tokens.
  EXPECT_EQ(j.at("characters").get<int>(), 40);
  EXPECT_EQ(j.at("predicted_characters").get<int>(), 36);
  EXPECT_NEAR(j.at("bits_per_char").get<double>(), nll * 8 / std::log(2.0) / 36, 1e-9);
}

TEST(WordCli, EvalOfACharModelHasNoWordPerplexity) {
  testing::TempDir dir;
  const std::string data = dir.write("t.txt", "abcabcabcabc\nabcab\n");
  const std::string model = dir.file("m");
  ASSERT_EQ(run(dir, kCli + " train " + data + " --out " + model +
                         " --hidden-size 8 --num-layers 1 --embed-size 4 --seq-len 4 --batch-size 2"
                         " --epochs 1 --val-fraction 0 --threads 1 -q").status, 0);
  const CliRun r = run(dir, kCli + " eval " + model + " " + data + " --json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j.contains("word_perplexity"));
  EXPECT_EQ(j.at("predicted_characters").get<int>(), 18);  // 19 characters, the first given
  EXPECT_NEAR(j.at("bits_per_char").get<double>(), j.at("bits_per_token").get<double>(), 1e-12);
}

TEST(WordCli, SamplePrimeSkipTokensAndUnknownWord) {
  testing::TempDir dir;
  const std::string model = train_ptb(dir);
  CliRun r = run(dir, kCli + " sample " + model +
                       " --prime 'the meaning of life is' --skip-tokens 'N <unk> $' --length 300 --seed 3");
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(r.out.rfind("the meaning of life is ", 0), 0u) << r.out;
  for (const char* banned : {" N ", "<unk>", "$"}) {
    std::string spaced = " " + r.out + " ";
    for (char& c : spaced)
      if (c == '\n') c = ' ';
    EXPECT_EQ(spaced.find(banned), std::string::npos) << banned << " in: " << r.out;
  }
  EXPECT_EQ(r.out.find("  "), std::string::npos) << "words are joined with one space: " << r.out;

  r = run(dir, kCli + " sample " + model + " --prime 'the zebra is' --length 5");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("\"zebra\""), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

TEST(WordCli, LinesModelsStartThePrimeFromAZeroState) {
  // Seed 003's Korean lines: a lines-mode model learns each line from a zero state, so greedy
  // generation from a line's first word gives the line back only if the prime starts there too.
  testing::TempDir dir;
  const std::string data = dir.write("ko.txt",
                                     "경마장에 있는 말이 뛰고 있다\n"
                                     "그의 말이 법이다\n"
                                     "가는 말이 고와야 오는 말이 곱다\n");
  const std::string model = dir.file("m");
  ASSERT_EQ(run(dir, kCli + " train " + data + " --out " + model +
                         " --tokenizer word --sequences lines --cell rnn --embed-size 10 --hidden-size 32"
                         " --num-layers 1 --lr 1e-3 --clip 0 --epochs 200 --val-fraction 0 --threads 1 -q")
                .status,
            0);
  const CliRun r = run(dir, kCli + " sample " + model + " --prime 그의 --greedy --length 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "그의 말이 법이다\n");
}

TEST(CsvColumnTool, PrintsAColumnDropsValuesAndNamesProblems) {
  testing::TempDir dir;
  const std::string tool = RNNGEN_CSV_COLUMN_PATH;
  const std::string ok = dir.write("ok.csv",
                                   "id,headline,section\n"
                                   "1,\"Hello, World\",a\n"
                                   "2,Unknown,b\n"
                                   "3,\"Two\nLines\",c\n");
  CliRun r = run(dir, tool + " " + ok + " headline --drop Unknown");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Hello, World\nTwo Lines\n");

  r = run(dir, tool + " " + ok + " title");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("id, headline, section"), std::string::npos) << r.err;

  const std::string bad = dir.write("bad.csv", "a,b\n1,2\n3,\"x\"y\n");
  r = run(dir, tool + " " + bad + " a");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad.csv:3:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rnngen
