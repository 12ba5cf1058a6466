// Contract: a save or checkpoint that the disk refuses (here a file-size limit, `ulimit -f`,
// which makes write(2) fail as a full disk does) ends the run with exit status 1 and one line
// on stderr, and leaves the previous model and checkpoint as they were: byte for byte, so
// they still load and evaluate to the same figures.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

// `rnngen ARGS` under a file-size limit of `blocks` 512-byte blocks. SIGXFSZ is ignored so that
// the write fails with EFBIG instead of killing the process (as ENOSPC or EDQUOT would fail it).
CliResult run_limited(int blocks, const std::vector<std::string>& args) {
  std::string cmd = "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + "; exec \"$0\" \"$@\"";
  std::vector<std::string> full{"/bin/sh", "-c", cmd, cli_path()};
  full.insert(full.end(), args.begin(), args.end());
  return run_program(full);
}

TEST(FullDisk, FailedSaveOrCheckpointExits1OneLineAndKeepsTheOldModel) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus(40));
  const std::string dir = tmp.file("model");
  // A bigger vocabulary of weights than the limit below allows, so both the model and the
  // checkpoint writes exceed it.
  const auto args = tiny_train_args(data, dir) + std::vector<std::string>{"--hidden-size", "32", "--max-steps", "4"};
  ASSERT_EQ(run_cli(args).exit_code, 0);
  const std::string model = TempDir::read(dir + "/model.safetensors");
  const std::string ck = TempDir::read(dir + "/checkpoint/state.safetensors");
  ASSERT_GT(model.size(), 8 * 512u);
  const CliResult eval_before = run_cli({"eval", dir, data});
  ASSERT_EQ(eval_before.exit_code, 0) << show(eval_before);

  const CliResult r = run_limited(8, args + std::vector<std::string>{"--resume", "--max-steps", "8"});
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_NE(r.err.find(dir), std::string::npos) << "names the file: " << r.err;
  EXPECT_TRUE(TempDir::read(dir + "/model.safetensors") == model) << "model.safetensors changed";
  EXPECT_TRUE(TempDir::read(dir + "/checkpoint/state.safetensors") == ck) << "the checkpoint changed";
  const CliResult eval_after = run_cli({"eval", dir, data});
  EXPECT_EQ(eval_after.exit_code, 0) << show(eval_after);
  EXPECT_EQ(eval_after.out, eval_before.out);
}

}  // namespace
}  // namespace rnngen::testing
