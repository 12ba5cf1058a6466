// Contract: `train --resume` refuses a damaged newest checkpoint with one line naming it and
// pointing at the previous one, and resumes from that one only when --resume-from asks.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

TEST(CheckpointCli, DamagedNewestRefusedPreviousOnlyWhenAsked) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus(40));
  const std::string dir = tmp.file("model");
  const auto args = tiny_train_args(data, dir) + std::vector<std::string>{"--checkpoint-every", "2"};
  ASSERT_EQ(run_cli(args + std::vector<std::string>{"--max-steps", "5"}).exit_code, 0);
  const std::string newest = dir + "/checkpoint/state.safetensors";
  const std::string previous = dir + "/checkpoint/previous.safetensors";
  std::string bytes = TempDir::read(newest);
  bytes[bytes.size() / 2] ^= 0x04;
  tmp.write("model/checkpoint/state.safetensors", bytes);

  const auto resume = args + std::vector<std::string>{"--resume", "--max-steps", "6"};
  expect_input_error(run_cli(resume), {newest, "corrupt", "--resume-from " + previous});
  EXPECT_TRUE(TempDir::read(newest) == bytes) << "a refused resume must not touch the checkpoint";

  const CliResult r = run_cli(args + std::vector<std::string>{"--resume-from", previous, "--max-steps", "6"});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(run_cli(resume).exit_code, 0) << "the run from the previous one wrote a good checkpoint";
}

// Issue 20: data that changed under a run (same size, other bytes; or a --val file) is named
// on --resume; the same bytes resume.
TEST(CheckpointCli, ChangedDataIsRefusedNamingTheFile) {
  TempDir tmp;
  std::string text = tiny_corpus(40);
  const std::string data = tmp.write("data.txt", text);
  const std::string val = tmp.write("val.txt", tiny_corpus(8));
  const std::string dir = tmp.file("model");
  const auto args = tiny_train_args(data, dir) + std::vector<std::string>{"--val", val};
  ASSERT_EQ(run_cli(args + std::vector<std::string>{"--max-steps", "3"}).exit_code, 0);
  const std::string checkpoint = TempDir::read(dir + "/checkpoint/state.safetensors");
  const auto resume = args + std::vector<std::string>{"--resume", "--max-steps", "4"};

  std::swap(text[0], text[4]);  // "the cat" -> "cht tae": same size, other bytes
  tmp.write("data.txt", text);
  expect_input_error(run_cli(resume), {data, "differs from the data", "crc32c:"});
  tmp.write("data.txt", tiny_corpus(40));
  std::string v = tiny_corpus(8);
  std::swap(v[0], v[4]);
  tmp.write("val.txt", v);
  expect_input_error(run_cli(resume), {val, "differs from the data"});
  EXPECT_TRUE(TempDir::read(dir + "/checkpoint/state.safetensors") == checkpoint) << "a refused resume wrote";

  tmp.write("val.txt", tiny_corpus(8));
  const CliResult r = run_cli(resume);
  EXPECT_EQ(r.exit_code, 0) << show(r);
}

}  // namespace
}  // namespace rnngen::testing
