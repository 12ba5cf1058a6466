// Word models and the validation text `train` holds out: the split falls between words, and
// held-out words the training part never had are left out and counted, so that
// `rnngen train TEXT --tokenizer word` works with its defaults.
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

// The flags of tiny_train_args without -q, so that the messages show.
std::vector<std::string> loud(std::vector<std::string> args) {
  args.erase(std::find(args.begin(), args.end(), "-q"));
  return args;
}

// --val-fraction F holds out the text from byte size - floor(size x F); the tests pick an F
// whose byte falls inside a word, where a cut would make a fragment no text has.
constexpr double kFraction = 0.105;
bool cut_inside_a_word(const std::string& text) {
  const size_t at = text.size() - static_cast<size_t>(static_cast<double>(text.size()) * kFraction);
  return std::isalpha(static_cast<unsigned char>(text[at - 1])) && std::isalpha(static_cast<unsigned char>(text[at]));
}

TEST(WordValidation, TheSplitFallsBetweenWords) {
  for (const std::vector<std::string>& style : {std::vector<std::string>{}, {"--word-style", "ptb"}}) {
    TempDir tmp;
    // Long words, so that the cut lands inside one; every word occurs early and late.
    std::string text;
    for (int l = 0; l < 40; ++l) text += "alphabetical " + std::string(l % 2 ? "mississippi" : "onomatopoeia") + "\n";
    ASSERT_TRUE(cut_inside_a_word(text));
    const std::string data = tmp.write("data.txt", text);
    const CliResult r = run_cli(loud(tiny_train_args(data, tmp.file("out"))) +
                                std::vector<std::string>{"--tokenizer", "word", "--max-steps", "2", "--val-fraction",
                                                         std::to_string(kFraction)} +
                                style);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_EQ((r.out + r.err).find("left out"), std::string::npos) << "no held-out word is unknown here: " << show(r);
  }
}

// A single line has no line start to cut at: the cut goes after a space.
TEST(WordValidation, OneLineIsCutAfterASpace) {
  TempDir tmp;
  std::string text;
  for (int i = 0; i < 60; ++i) text += i % 2 ? "onomatopoeia " : "alphabetical ";
  ASSERT_TRUE(cut_inside_a_word(text));
  const CliResult r = run_cli(loud(tiny_train_args(tmp.write("data.txt", text), tmp.file("out"))) +
                              std::vector<std::string>{"--tokenizer", "word", "--max-steps", "2", "--val-fraction",
                                                       std::to_string(kFraction)});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ((r.out + r.err).find("left out"), std::string::npos) << show(r);
}

// --resume takes the tokenizer from the model: without --tokenizer word the split must still
// fall where the first run's did (at a line start), not inside a word.
TEST(WordValidation, AResumedRunSplitsAsTheModelsTokenizerDoes) {
  TempDir tmp;
  std::string text;
  for (int l = 0; l < 40; ++l) text += "alphabetical " + std::string(l % 2 ? "mississippi" : "onomatopoeia") + "\n";
  ASSERT_TRUE(cut_inside_a_word(text));
  const std::string data = tmp.write("data.txt", text);
  const std::vector<std::string> split = {"--val-fraction", std::to_string(kFraction)};
  std::string last_val[2];
  for (int with_flag = 0; with_flag < 2; ++with_flag) {
    const std::string out = tmp.file("out" + std::to_string(with_flag));
    const auto args = loud(tiny_train_args(data, out)) + split;
    ASSERT_EQ(run_cli(args + std::vector<std::string>{"--tokenizer", "word", "--max-steps", "2"}).exit_code, 0);
    std::vector<std::string> resume = {"--resume", "--max-steps", "4"};
    if (with_flag) resume.insert(resume.end(), {"--tokenizer", "word"});
    const CliResult r = run_cli(args + resume);
    ASSERT_EQ(r.exit_code, 0) << show(r);
    EXPECT_EQ((r.out + r.err).find("left out"), std::string::npos) << show(r);
    const std::string log = TempDir::read(out + "/train_log.jsonl");
    const size_t at = log.rfind("\"val_nll\":");
    ASSERT_NE(at, std::string::npos) << log;
    last_val[with_flag] = log.substr(at, log.find_first_of(",}", at) - at);
  }
  EXPECT_EQ(last_val[0], last_val[1]);
}

TEST(WordValidation, UnknownHeldOutWordsAreLeftOutAndCounted) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus(36) + "zebra the quokka cat\n" + "the zebra\n");
  const std::string out = tmp.file("out");
  const CliResult r = run_cli(loud(tiny_train_args(data, out)) +
                              std::vector<std::string>{"--tokenizer", "word", "--max-steps", "2", "--val-fraction", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  // The held-out tenth: the last lines of tiny_corpus (6 known words each) and the two lines
  // above, whose zebra, quokka and zebra the training part never saw.
  EXPECT_NE((r.out + r.err).find("validation: 3 of "), std::string::npos) << show(r);
  const auto vocab = nlohmann::json::parse(TempDir::read(out + "/tokenizer.json"))["tokens"];
  EXPECT_EQ(std::find(vocab.begin(), vocab.end(), "zebra"), vocab.end()) << "the vocabulary is the training part's";
  // A separate --val file is treated the same way; eval of a text with them stays an error.
  const std::string val = tmp.write("val.txt", "the cat okapi sat\n");  // --val: all of data.txt trains
  const CliResult v = run_cli(loud(tiny_train_args(data, tmp.file("out2"))) +
                              std::vector<std::string>{"--tokenizer", "word", "--max-steps", "2", "--val", val});
  ASSERT_EQ(v.exit_code, 0) << show(v);
  EXPECT_NE((v.out + v.err).find("validation: 1 of 4 words"), std::string::npos) << show(v);
  expect_input_error(run_cli({"eval", out, val}), {"unknown word", "okapi"});
}

}  // namespace
}  // namespace rnngen::testing
