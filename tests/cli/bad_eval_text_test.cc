// `rnngen eval` on a text that cannot be scored: one line naming the file and where in it the
// problem is (line:column of an unknown character, byte offset of invalid UTF-8), exit 2.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class BadEvalText : public ::testing::Test {
 protected:
  void SetUp() override { model_ = train_tiny_model(tmp_.path(), "model"); }
  CliResult eval(const std::string& file) { return run_cli({"eval", model_, file, "--json", "--threads", "1"}); }
  TempDir tmp_;
  std::string model_;
};

TEST_F(BadEvalText, CharacterNotInVocabularyNamedWithLineAndColumn) {
  const std::string f = tmp_.write("unk.txt", "the cat\nsat Zon\n");
  const CliResult r = eval(f);
  expect_input_error(r, {f + ":2:5:", "'Z' (U+005A)", "not in the model's vocabulary"});
  EXPECT_EQ(r.out, "");
}

TEST_F(BadEvalText, SeveralUnknownCharactersAreListed) {
  const std::string f = tmp_.write("unk.txt", "the Qcat\nsat X\n");
  expect_input_error(eval(f), {f + ":1:5:", "'Q'", "'X'", "2:5"});
}

TEST_F(BadEvalText, InvalidUtf8NamesTheByteOffset) {
  const std::string f = tmp_.write("bad.txt", "the cat\n\xC3\x28 sat\n");
  expect_input_error(eval(f), {f, "invalid UTF-8", "byte offset 8", "line 2, column 1"});
}

TEST_F(BadEvalText, BinaryFile) {
  const std::string f = tmp_.write("bin.dat", std::string("\x7F" "ELF\x02\x01\x01\x00\xFF\xFE", 10));
  expect_input_error(eval(f), {f, "invalid UTF-8", "byte offset 8"});
}

TEST_F(BadEvalText, MissingFile) {
  expect_input_error(eval(tmp_.file("nope.txt")), {"nope.txt", "No such file"});
}

TEST_F(BadEvalText, EmptyFile) {
  const std::string f = tmp_.write("empty.txt", "");
  expect_input_error(eval(f), {f, "empty"});
}

TEST_F(BadEvalText, OneTokenHasNothingToScore) {
  const std::string f = tmp_.write("one.txt", "t");
  expect_input_error(eval(f), {f, "at least 2"});
}

TEST_F(BadEvalText, ADirectoryIsNotAText) {
  expect_input_error(eval(tmp_.path().string()), {tmp_.path().string(), "directory"});
}

}  // namespace
}  // namespace rnngen::testing
