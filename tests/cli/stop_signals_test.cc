// Contract: SIGTERM and SIGHUP stop `rnngen train` as Ctrl-C (SIGINT) does: the step ends,
// the checkpoint and model are written, the exit status is 128 + the signal (143, 129, 130),
// and --resume then ends with the same model bytes as a run that never stopped. Checkpoints
// and weights are written at every step, so the signal usually lands inside a write.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

namespace fs = std::filesystem;

class StopSignal : public ::testing::TestWithParam<int> {
 protected:
  std::vector<std::string> args(const std::string& out) {
    return tiny_train_args(data_, out) + std::vector<std::string>{"--val-fraction", "0", "--eval-every", "1",
                                                                  "--checkpoint-every", "1", "--epochs", "8"};
  }
  TempDir tmp_;
  std::string data_ = tmp_.write("data.txt", tiny_corpus(40));
};

TEST_P(StopSignal, SavesExitsWithTheSignalsStatusAndResumesToTheSameBytes) {
  const int sig = GetParam();
  const std::string dir = tmp_.file("stopped");
  const fs::path ck = fs::path(dir) / "checkpoint" / "state.safetensors";
  {
    CliProcess p(args(dir));
    while (!fs::exists(ck) && p.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!p.running()) GTEST_SKIP() << "the run ended before the signal could be sent";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // into the training steps
    ::kill(p.pid(), sig);
    if (sig == SIGINT) ::kill(p.pid(), SIGINT);  // a second Ctrl-C while it saves changes nothing
    EXPECT_EQ(p.wait(), 128 + sig);
  }
  const CliResult s = run_cli({"summary", dir});
  EXPECT_EQ(s.exit_code, 0) << show(s);

  const CliResult r = run_cli(args(dir) + std::vector<std::string>{"--resume"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const std::string whole = tmp_.file("whole");
  const CliResult w = run_cli(args(whole));
  ASSERT_EQ(w.exit_code, 0) << show(w);
  EXPECT_TRUE(TempDir::read(dir + "/model.safetensors") == TempDir::read(whole + "/model.safetensors"))
      << "model.safetensors differs from the uninterrupted run's";
}

INSTANTIATE_TEST_SUITE_P(IntTermHup, StopSignal, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::string(i.param == SIGINT ? "SIGINT" : i.param == SIGTERM ? "SIGTERM" : "SIGHUP");
                         });

}  // namespace
}  // namespace rnngen::testing
