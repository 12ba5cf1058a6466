// Contract: writes are atomic. kill -9 at random moments of `rnngen train` (while the model
// directory is being created, while checkpoints and weights are written every step) never
// leaves a torn file: the directory is either absent or loads with `rnngen summary`, and its
// checkpoint resumes.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli/cli_fixtures.h"
#include "io/safetensors.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

namespace fs = std::filesystem;

class KillNine : public ::testing::Test {
 protected:
  std::vector<std::string> args(const std::string& out) {
    // Weights saved at every step (no validation: each evaluation saves) and a checkpoint at
    // every step, so most moments of the run are inside some write.
    return tiny_train_args(data_, out) + std::vector<std::string>{"--val-fraction", "0", "--eval-every", "1",
                                                                  "--checkpoint-every", "1", "--epochs", "50"};
  }
  // Starts a run, kills it after `micros`, and reports whether the kill interrupted it.
  bool kill_after(const std::vector<std::string>& a, int micros) {
    CliProcess p(a);
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
    ::kill(p.pid(), SIGKILL);
    return p.wait() == 128 + SIGKILL;
  }
  void expect_loads_and_resumes(const std::string& dir) {
    const CliResult s = run_cli({"summary", dir});
    EXPECT_EQ(s.exit_code, 0) << show(s);
    // --max-steps 1: every checkpoint is at step >= 0, so this only reads it and stops.
    const CliResult r = run_cli(args(dir) + std::vector<std::string>{"--resume", "--max-steps", "1"});
    EXPECT_EQ(r.exit_code, 0) << show(r);
  }

  TempDir tmp_;
  std::string data_ = tmp_.write("data.txt", tiny_corpus(40));
  std::mt19937 rng_{std::random_device{}()};
};

TEST_F(KillNine, WhileCreatingTheModelDirectory) {
  for (int i = 0; i < 8; ++i) {
    const std::string dir = tmp_.file("new" + std::to_string(i));
    const int micros = std::uniform_int_distribution<int>(0, 20000)(rng_);
    SCOPED_TRACE("killed after " + std::to_string(micros) + " us");
    kill_after(args(dir), micros);
    if (fs::exists(dir)) expect_loads_and_resumes(dir);  // absent is fine: nothing was promised yet
  }
}

TEST_F(KillNine, AfterCreationTheCheckpointCountsNoTrainingTime) {
  // Killed once the new directory's first checkpoint exists (written before any step; none
  // other before the run ends): the training time it records must be within what this test
  // has waited, not the time since boot (a resume adds to it).
  const std::string dir = tmp_.file("early");
  const fs::path ck = fs::path(dir) / "checkpoint" / "state.safetensors";
  const auto t0 = std::chrono::steady_clock::now();
  {
    CliProcess p(tiny_train_args(data_, dir) + std::vector<std::string>{"--checkpoint-every", "1000000000", "--epochs", "100000"});
    while (!fs::exists(ck) && p.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(p.running()) << "the run ended before it could be killed";
    ::kill(p.pid(), SIGKILL);
    p.wait();
  }
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto meta = nlohmann::json::parse(io::read_safetensors_metadata(ck.string()).at("rnngen_checkpoint"));
  EXPECT_EQ(meta.at("step").get<int64_t>(), 0);
  EXPECT_GE(meta.at("elapsed_s").get<double>(), 0.0);
  EXPECT_LE(meta.at("elapsed_s").get<double>(), waited);
}

TEST_F(KillNine, WhileTraining) {
  const std::string dir = tmp_.file("model");
  ASSERT_EQ(run_cli(args(dir) + std::vector<std::string>{"--max-steps", "2"}).exit_code, 0);
  int interrupted = 0;
  for (int i = 0; i < 8; ++i) {
    const int micros = std::uniform_int_distribution<int>(1000, 80000)(rng_);
    SCOPED_TRACE("killed after " + std::to_string(micros) + " us");
    interrupted += kill_after(args(dir) + std::vector<std::string>{"--resume"}, micros);
    expect_loads_and_resumes(dir);
  }
  EXPECT_GT(interrupted, 0) << "every run ended before its kill; the test proved nothing";
}

}  // namespace
}  // namespace rnngen::testing
