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

}  // namespace
}  // namespace rnngen::testing
