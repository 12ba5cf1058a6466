// Contract: a save or checkpoint that the disk refuses (here a file-size limit, `ulimit -f`,
// which makes write(2) fail as a full disk does) ends the run with exit status 1 and one line
// on stderr, and leaves the previous model and checkpoint as they were: byte for byte, so
// they still load and evaluate to the same figures.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

// `rnngen ARGS` under a file-size limit of `blocks` 512-byte blocks. SIGXFSZ is ignored so that
// the write fails with EFBIG instead of killing the process (as ENOSPC or EDQUOT would fail it).
// `rnngen eval DIR DATA --json` without its timing fields.
std::string figures(const std::string& dir, const std::string& data) {
  const CliResult r = run_cli({"eval", dir, data, "--json"});
  if (r.exit_code != 0) return show(r);
  nlohmann::json j = nlohmann::json::parse(r.out);
  j.erase("seconds");
  j.erase("tokens_per_s");
  return j.dump();
}

CliResult run_limited(int blocks, const std::vector<std::string>& args) {
  std::string cmd = "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + "; exec \"$0\" \"$@\"";
  std::vector<std::string> full{"/bin/sh", "-c", cmd, cli_path()};
  full.insert(full.end(), args.begin(), args.end());
  return run_program(full);
}

class FullDisk : public ::testing::Test {
 protected:
  // Trains one epoch (which ends with an evaluation that saves the model, then a checkpoint
  // holding those same weights) and records what a failed run must leave as it was.
  void SetUp() override {
    ASSERT_EQ(run_cli(args() + std::vector<std::string>{"--epochs", "1"}).exit_code, 0);
    model_ = TempDir::read(dir_ + "/model.safetensors");
    ck_ = TempDir::read(dir_ + "/checkpoint/state.safetensors");
    eval_ = figures(dir_, data_);
    ASSERT_NE(eval_.find("\"nll\""), std::string::npos) << eval_;
  }
  std::vector<std::string> args() { return tiny_train_args(data_, dir_) + std::vector<std::string>{"--hidden-size", "32"}; }
  void expect_failed_and_intact(const CliResult& r) {
    EXPECT_EQ(r.exit_code, 1) << show(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_NE(r.err.find(dir_), std::string::npos) << "names the file: " << r.err;
    EXPECT_TRUE(TempDir::read(dir_ + "/model.safetensors") == model_) << "model.safetensors changed";
    EXPECT_TRUE(TempDir::read(dir_ + "/checkpoint/state.safetensors") == ck_) << "the checkpoint changed";
    EXPECT_EQ(figures(dir_, data_), eval_) << "the old model no longer evaluates to the same figures";
  }

  TempDir tmp_;
  std::string data_ = tmp_.write("data.txt", tiny_corpus(40));
  std::string dir_ = tmp_.file("model");
  std::string model_, ck_;
  std::string eval_;
};

TEST_F(FullDisk, ModelSaveFails) {
  // --resume first writes model.safetensors back as the checkpoint holds it: under a limit
  // smaller than that file, that save fails.
  ASSERT_GT(model_.size(), 8 * 512u);
  expect_failed_and_intact(run_limited(8, args() + std::vector<std::string>{"--resume", "--epochs", "2"}));
}

TEST_F(FullDisk, CheckpointWriteFails) {
  // A limit the model fits under but the checkpoint (weights twice, optimizer state) does not;
  // a checkpoint at the first step, before any evaluation could save the model.
  const size_t blocks = 2 * model_.size() / 512;
  ASSERT_GT(blocks * 512, model_.size());
  ASSERT_LT(blocks * 512, ck_.size());
  expect_failed_and_intact(run_limited(static_cast<int>(blocks), args() + std::vector<std::string>{
                                                                     "--resume", "--epochs", "2", "--checkpoint-every", "1"}));
}

}  // namespace
}  // namespace rnngen::testing
