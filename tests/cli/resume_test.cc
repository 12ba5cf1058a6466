// Contract: a run that is interrupted and resumed with --resume ends with the same
// model.safetensors bytes as one that never stopped (same seed, same threads), and its
// train_log.jsonl has the same lines (timing fields aside). Interruptions: a --max-steps stop
// (which evaluates and saves on its way out) at ordinary steps, at checkpoint and epoch
// boundaries, and kill -9 between checkpoints.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

namespace fs = std::filesystem;

// The log without the fields that measure time.
std::vector<std::string> log_lines(const std::string& dir) {
  std::istringstream in(TempDir::read(dir + "/train_log.jsonl"));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    j.erase("tokens_per_s");
    j.erase("elapsed_s");
    out.push_back(j.dump());
  }
  return out;
}

// The step at which the first epoch ended, from an uninterrupted run's log.
int64_t first_epoch_steps(const std::string& dir) {
  std::istringstream in(TempDir::read(dir + "/train_log.jsonl"));
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["epoch"].get<double>() == 1.0) return j["step"];
  }
  return -1;
}

struct Mode {
  const char* name;
  std::vector<std::string> flags;
};

class Resume : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    data_ = tmp_.write("data.txt", tiny_corpus(30));
    whole_ = tmp_.file("whole");
    const CliResult r = run_cli(args(whole_));
    ASSERT_EQ(r.exit_code, 0) << show(r);
    ASSERT_GT(log_lines(whole_).size(), 2u);
  }
  std::vector<std::string> args(const std::string& out) {
    return tiny_train_args(data_, out) + GetParam().flags +
           std::vector<std::string>{"--epochs", "3", "--checkpoint-every", "5", "--eval-every", "7"};
  }
  void expect_same_as_whole(const std::string& dir) {
    EXPECT_TRUE(TempDir::read(dir + "/model.safetensors") == TempDir::read(whole_ + "/model.safetensors"))
        << "model.safetensors differs from the uninterrupted run's";
    EXPECT_EQ(log_lines(dir), log_lines(whole_));
  }

  TempDir tmp_;
  std::string data_, whole_;
};

TEST_P(Resume, StopAtMaxStepsThenResume) {
  const int64_t epoch = first_epoch_steps(whole_);
  ASSERT_GT(epoch, 12);
  // An ordinary step, a checkpoint step, the first epoch's last step and the first of the
  // second (its lines are dealt before the stop is noticed), and a step in the third epoch.
  for (int64_t k : {int64_t{3}, int64_t{10}, epoch, epoch + 1, 2 * epoch + 3}) {
    SCOPED_TRACE("stopped at step " + std::to_string(k));
    const std::string dir = tmp_.file("part" + std::to_string(k));
    const CliResult first = run_cli(args(dir) + std::vector<std::string>{"--max-steps", std::to_string(k)});
    ASSERT_EQ(first.exit_code, 0) << show(first);
    const CliResult rest = run_cli(args(dir) + std::vector<std::string>{"--resume"});
    ASSERT_EQ(rest.exit_code, 0) << show(rest);
    expect_same_as_whole(dir);
  }
}

TEST_P(Resume, ResumeTwice) {
  const std::string dir = tmp_.file("twice");
  ASSERT_EQ(run_cli(args(dir) + std::vector<std::string>{"--max-steps", "7"}).exit_code, 0);
  ASSERT_EQ(run_cli(args(dir) + std::vector<std::string>{"--resume", "--max-steps", "19"}).exit_code, 0);
  ASSERT_EQ(run_cli(args(dir) + std::vector<std::string>{"--resume"}).exit_code, 0);
  expect_same_as_whole(dir);
}

TEST_P(Resume, KillNineThenResume) {
  // Checkpoint every step, so any moment of the kill is at a checkpoint boundary (or inside a
  // write, which must then leave the previous checkpoint).
  const std::string dir = tmp_.file("killed");
  const auto every_step = std::vector<std::string>{"--checkpoint-every", "1"};
  int killed = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::vector<std::string> a = args(dir) + every_step;
    if (fs::exists(dir)) a.push_back("--resume");
    CliProcess p(a);
    // A kill before the model directory exists interrupts nothing worth resuming, and how long
    // the start takes varies (a sanitizer build starts several times slower): wait for the
    // directory, then let it train a little longer each attempt.
    for (int ms = 0; ms < 60000 && !fs::exists(dir) && p.running(); ms += 5)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + 40 * attempt));
    if (p.running()) ::kill(p.pid(), SIGKILL);
    killed += p.wait() == 128 + SIGKILL;
  }
  if (killed == 0) GTEST_SKIP() << "training finished before every kill; nothing was interrupted";
  // A resumed run must not depend on --checkpoint-every, so finish with the usual one.
  const CliResult rest = run_cli(args(dir) + std::vector<std::string>{"--resume"});
  ASSERT_EQ(rest.exit_code, 0) << show(rest);
  EXPECT_TRUE(TempDir::read(dir + "/model.safetensors") == TempDir::read(whole_ + "/model.safetensors"));
}

INSTANTIATE_TEST_SUITE_P(
    Modes, Resume,
    ::testing::Values(
        // Stream mode with dropout, validation and a plateau schedule: every RNG and state.
        Mode{"StreamDropout", {"--dropout", "0.3", "--num-layers", "2", "--lr-schedule", "plateau", "--lr-decay", "0.9"}},
        Mode{"Lines", {"--sequences", "lines", "--batch-size", "3"}},
        Mode{"StreamNoValidation", {"--val-fraction", "0", "--optimizer", "rmsprop"}}),
    [](const ::testing::TestParamInfo<Mode>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rnngen::testing

namespace rnngen::testing {
namespace {

// A --max-steps stop evaluates on its way out and saves model.safetensors when that
// evaluation is the best so far, which the uninterrupted run never does at that step. When no
// later evaluation beats the best from before the stop, only --resume putting back the
// checkpoint's copy of model.safetensors makes the final bytes equal. A high learning rate
// makes the validation loss wobble near its minimum, so such a stop step exists; the test
// finds one rather than hard-coding it.
TEST(ResumeAfterStop, BestSavedByTheStopEvaluationIsUndone) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus(40));
  auto args = [&](const std::string& out) {
    return tiny_train_args(data, out) + std::vector<std::string>{"--lr", "0.2", "--epochs", "3", "--eval-every", "25",
                                                                 "--checkpoint-every", "1000"};
  };
  const std::string whole = tmp.file("whole");
  ASSERT_EQ(run_cli(args(whole)).exit_code, 0);
  std::vector<std::pair<int64_t, double>> evals;
  {
    std::istringstream in(TempDir::read(whole + "/train_log.jsonl"));
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      evals.emplace_back(j["step"], j["val_nll"]);
    }
  }
  const auto best = *std::min_element(evals.begin(), evals.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
  int tried = 0;
  for (int64_t k = best.first + 1; k < evals.back().first && tried < 40; ++k) {
    const bool evaluated = std::any_of(evals.begin(), evals.end(), [&](const auto& e) { return e.first == k; });
    if (evaluated) continue;  // the stop would not evaluate again
    ++tried;
    const std::string dir = tmp.file("stop" + std::to_string(k));
    ASSERT_EQ(run_cli(args(dir) + std::vector<std::string>{"--max-steps", std::to_string(k)}).exit_code, 0);
    const std::string log = TempDir::read(dir + "/train_log.jsonl");
    const double stop_val = nlohmann::json::parse(log.substr(log.rfind('\n', log.size() - 2) + 1))["val_nll"];
    if (stop_val >= best.second) continue;  // not a new best: nothing to undo
    SCOPED_TRACE("stop at step " + std::to_string(k));
    ASSERT_EQ(run_cli(args(dir) + std::vector<std::string>{"--resume"}).exit_code, 0);
    EXPECT_TRUE(TempDir::read(dir + "/model.safetensors") == TempDir::read(whole + "/model.safetensors"));
    return;
  }
  FAIL() << "no stop step after the best evaluation (step " << best.first
         << ") evaluated better; change --lr or the data so the test keeps its teeth";
}

}  // namespace
}  // namespace rnngen::testing
