// `rnngen train` on bad data or bad flags: exit 2, one line naming the file or flag and the
// problem, and nothing left behind: no model directory, no temporary files, and an --out
// that already existed is exactly as it was.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

namespace fs = std::filesystem;

class BadTrainInput : public ::testing::Test {
 protected:
  void SetUp() override { data_ = tmp_.write("data.txt", tiny_corpus()); }

  // Trains into tmp/out with `extra` flags on `data`; expects failure and an unchanged tree.
  void expect_rejected(const std::string& data, const std::vector<std::string>& extra,
                       const std::vector<std::string>& needles) {
    const auto before = tree(tmp_.path());
    const CliResult r = run_cli(tiny_train_args(data, out()) + extra + std::vector<std::string>{"--max-steps", "2"});
    expect_input_error(r, needles);
    EXPECT_EQ(tree(tmp_.path()), before) << "a failed train left files behind";
  }
  std::string out() const { return tmp_.file("out"); }

  TempDir tmp_;
  std::string data_;
};

TEST_F(BadTrainInput, GoodInputTrains) {  // the baseline every case below differs from
  const CliResult r = run_cli(tiny_train_args(data_, out()) + std::vector<std::string>{"--max-steps", "2"});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_TRUE(fs::exists(fs::path(out()) / "model.safetensors"));
}

TEST_F(BadTrainInput, EmptyFile) {
  expect_rejected(tmp_.write("empty.txt", ""), {}, {"empty.txt", "empty"});
}

TEST_F(BadTrainInput, OneCharacterFile) {
  expect_rejected(tmp_.write("one.txt", "x"), {}, {"one.txt", "at least 2 characters"});
}

TEST_F(BadTrainInput, TwoCharactersAreTooFewForTheBatch) {
  expect_rejected(tmp_.write("two.txt", "xy"), {"--val-fraction", "0"}, {"two.txt", "--batch-size"});
}

TEST_F(BadTrainInput, InvalidUtf8NamesTheByteOffset) {
  expect_rejected(tmp_.write("bad.txt", "the cat\xFF sat\n"), {}, {"bad.txt", "invalid UTF-8", "byte offset 7"});
}

TEST_F(BadTrainInput, BinaryFile) {
  expect_rejected(tmp_.write("bin.dat", std::string("\x7F" "ELF\x02\x01\x01\x00\x00\xC0\x80", 11)), {},
                  {"bin.dat", "invalid UTF-8", "byte offset 9"});
}

TEST_F(BadTrainInput, MissingFile) {
  expect_rejected(tmp_.file("nope.txt"), {}, {"nope.txt", "No such file"});
}

TEST_F(BadTrainInput, SeqLenZero) { expect_rejected(data_, {"--seq-len", "0"}, {"--seq-len", "0"}); }

TEST_F(BadTrainInput, NegativeLearningRate) {
  expect_rejected(data_, {"--lr", "-0.5"}, {"--lr", "-0.5"});
  // -1 was once the "not given" sentinel and slipped through as the default.
  expect_rejected(data_, {"--lr", "-1"}, {"--lr", "-1"});
  expect_rejected(data_, {"--lr", "0"}, {"--lr", "positive"});
}

TEST_F(BadTrainInput, NanLearningRate) {
  expect_rejected(data_, {"--lr", "nan"}, {"--lr", "nan"});
  expect_rejected(data_, {"--lr", "inf"}, {"--lr", "positive"});
}

TEST_F(BadTrainInput, TieWeightsNeedsEqualSizes) {
  expect_rejected(data_, {"--tie-weights"}, {"--tie-weights", "--embed-size", "--hidden-size", "4", "8"});
}

TEST_F(BadTrainInput, OutIsAnExistingFile) {
  const std::string file = tmp_.write("out", "precious");
  expect_rejected(data_, {}, {"--out", "not a directory"});
  EXPECT_EQ(TempDir::read(file), "precious");
}

TEST_F(BadTrainInput, OutIsADirectoryThatIsNotAModel) {
  fs::create_directory(out());
  tmp_.write("out/notes.txt", "precious");
  expect_rejected(data_, {}, {"--out", "not a model directory"});
}

TEST_F(BadTrainInput, OutHoldsAModelAndNeitherResumeNorForce) {
  ASSERT_EQ(run_cli(tiny_train_args(data_, out()) + std::vector<std::string>{"--max-steps", "2"}).exit_code, 0);
  expect_rejected(data_, {}, {"--out", "already holds a model", "--resume", "--force"});
}

TEST_F(BadTrainInput, ResumeWithoutAModel) {
  expect_rejected(data_, {"--resume"}, {"--out", "nothing to resume"});
}

TEST_F(BadTrainInput, UnknownChoice) {
  expect_rejected(data_, {"--cell", "transformer"}, {"--cell", "transformer"});
}

}  // namespace
}  // namespace rnngen::testing

namespace rnngen::testing {
namespace {

// The checkpoint's data position is a window number: under another --seq-len, --batch-size,
// --sequences or other data it would point somewhere else, and the run would silently differ.
TEST_F(BadTrainInput, ResumeWithOtherDataFlagsOrData) {
  ASSERT_EQ(run_cli(tiny_train_args(data_, out()) + std::vector<std::string>{"--max-steps", "3"}).exit_code, 0);
  expect_rejected(data_, {"--resume", "--seq-len", "9"}, {"state.safetensors", "--seq-len 8", "not 9"});
  expect_rejected(data_, {"--resume", "--batch-size", "3"}, {"--batch-size 2", "not 3"});
  expect_rejected(data_, {"--resume", "--sequences", "lines"}, {"--sequences \"stream\"", "not \"lines\""});
  expect_rejected(tmp_.write("more.txt", tiny_corpus() + tiny_corpus()), {"--resume"}, {"training data differs"});
}

}  // namespace
}  // namespace rnngen::testing
