// A separate --val file may hold characters the training text lacks (the last tenth of a
// Korean novel names people the first nine never do): for the char and jamo tokenizers they
// join the alphabet, training says how many, and the held-out text can then be scored.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

std::vector<std::string> loud(std::vector<std::string> args) {
  args.erase(std::find(args.begin(), args.end(), "-q"));
  return args;
}

std::vector<std::string> tokens_of(const std::string& model) {
  return nlohmann::json::parse(TempDir::read(model + "/tokenizer.json"))["tokens"].get<std::vector<std::string>>();
}

TEST(ValAlphabet, CharactersOnlyInTheValFileJoinTheVocabularyAndAreCounted) {
  for (const std::string tokenizer : {"char", "jamo"}) {
    TempDir tmp;
    std::string train;
    for (int i = 0; i < 30; ++i) train += "abc cab 가나\n";
    // z twice and q once: two characters, three occurrences; 다 is a new syllable whose jamo
    // (ㄷ, ㅏ) a jamo model lacks too.
    const std::string val = "abc zaq\ncab z 다\n";
    const std::string model = tmp.file("m");
    const CliResult r = run_cli(loud(tiny_train_args(tmp.write("train.txt", train), model)) +
                                std::vector<std::string>{"--tokenizer", tokenizer, "--max-steps", "3", "--val",
                                                         tmp.write("val.txt", val)});
    ASSERT_EQ(r.exit_code, 0) << tokenizer << ": " << show(r);
    EXPECT_NE((r.out + r.err).find("3 characters of " + tmp.file("val.txt") + " (4 occurrences) are not in the training text"),
              std::string::npos)
        << tokenizer << ": " << show(r);
    const std::vector<std::string> tokens = tokens_of(model);
    EXPECT_NE(std::find(tokens.begin(), tokens.end(), "z"), tokens.end()) << tokenizer;
    EXPECT_NE(std::find(tokens.begin(), tokens.end(), "q"), tokens.end()) << tokenizer;
    const CliResult e = run_cli({"eval", model, tmp.file("val.txt"), "--json", "--threads", "1"});
    ASSERT_EQ(e.exit_code, 0) << tokenizer << ": " << show(e);
    EXPECT_TRUE(std::isfinite(nlohmann::json::parse(e.out)["bits_per_char"].get<double>())) << e.out;
  }
}

// Without new characters in --val, the vocabulary is the training text's alone, as before,
// and nothing is said.
TEST(ValAlphabet, AValFileOfKnownCharactersLeavesTheVocabularyAsTheTrainingTextMakesIt) {
  TempDir tmp;
  std::string train;
  for (int i = 0; i < 30; ++i) train += "abc cab\n";
  const std::string data = tmp.write("train.txt", train);
  const CliResult with_val = run_cli(loud(tiny_train_args(data, tmp.file("a"))) +
                                     std::vector<std::string>{"--max-steps", "2", "--val", tmp.write("val.txt", "cab\n")});
  ASSERT_EQ(with_val.exit_code, 0) << show(with_val);
  EXPECT_EQ((with_val.out + with_val.err).find("not in the training text"), std::string::npos) << show(with_val);
  EXPECT_EQ(tokens_of(tmp.file("a")), (std::vector<std::string>{"\n", " ", "a", "b", "c"}));
}

}  // namespace
}  // namespace rnngen::testing
