// --max-time shapes the schedule (the rate reaches --min-lr as the budget ends), and with
// --val-sample the evaluations along the way score a sample while the model kept is chosen,
// and logged, on the whole held-out text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

std::vector<nlohmann::json> read_log(const std::string& dir) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(TempDir::read(dir + "/train_log.jsonl"));
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(TimeBudget, CosineEndsAtTheMinimumWhenTheBudgetEnds) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus(400));
  const std::string out = tmp.file("m");
  const CliResult r = run_cli(tiny_train_args(data, out) +
                              std::vector<std::string>{"--max-time", "1.5", "--epochs", "100000", "--lr", "0.01",
                                                       "--lr-schedule", "cosine", "--min-lr", "0.001", "--eval-every", "500"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto log = read_log(out);
  ASSERT_GE(log.size(), 3u);
  EXPECT_LT(log.front()["lr"].get<double>(), 0.01);  // decaying from the first step on
  EXPECT_GT(log.front()["lr"].get<double>(), 0.005);
  for (size_t i = 1; i < log.size(); ++i) EXPECT_LE(log[i]["lr"].get<double>(), log[i - 1]["lr"].get<double>());
  // The last evaluation comes at (or, when the budget ran out during it, just before) the end:
  // the rate is at, or within a few percent of the range above, the minimum.
  EXPECT_NEAR(log.back()["lr"].get<double>(), 0.001, 0.009 * 0.05);
  EXPECT_GE(log.back()["lr"].get<double>(), 0.001);
}

TEST(TimeBudget, WarmupRampsTheFirstSteps) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus());
  const std::string out = tmp.file("m");
  const CliResult r = run_cli(tiny_train_args(data, out) +
                              std::vector<std::string>{"--max-steps", "30", "--lr", "0.01", "--warmup", "20", "--eval-every", "5"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto log = read_log(out);
  // The log's lr is the rate of the next update: step 5 -> update 6 of 20.
  ASSERT_EQ(log[0]["step"], 5);
  EXPECT_DOUBLE_EQ(log[0]["lr"].get<double>(), 0.01 * 6 / 20);
  EXPECT_DOUBLE_EQ(log.back()["lr"].get<double>(), 0.01);
}

TEST(TimeBudget, SampledValidationAlongTheWayWholeAtTheEnd) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus());
  const std::string held = tmp.write("held.txt", tiny_corpus(30));  // one validation stream
  const std::string out = tmp.file("m");
  const CliResult r = run_cli(tiny_train_args(data, out) + std::vector<std::string>{"--max-steps", "60", "--eval-every", "20",
                                                                                      "--val", held, "--val-sample", "64"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto log = read_log(out);
  ASSERT_GE(log.size(), 2u);
  for (size_t i = 0; i + 1 < log.size(); ++i) EXPECT_EQ(log[i].value("val_tokens", 0), 64) << log[i].dump();
  EXPECT_FALSE(log.back().contains("val_tokens")) << "the last line scores all of the held-out text";
  // One stream from a zero state is how `eval` scores: the last line is the saved model's loss.
  const CliResult e = run_cli({"eval", out, held, "--json", "--threads", "1"});
  ASSERT_EQ(e.exit_code, 0) << show(e);
  EXPECT_NEAR(nlohmann::json::parse(e.out)["nll"].get<double>(), log.back()["val_nll"].get<double>(), 1e-6);
  // Without a sample every line scores it all, and there is no extra line at the end.
  const std::string whole = tmp.file("w");
  ASSERT_EQ(run_cli(tiny_train_args(data, whole) + std::vector<std::string>{"--max-steps", "60", "--eval-every", "20",
                                                                              "--val", held, "--val-sample", "0"})
                .exit_code,
            0);
  const auto whole_log = read_log(whole);
  EXPECT_EQ(whole_log.size(), 3u);
  for (const auto& l : whole_log) EXPECT_FALSE(l.contains("val_tokens"));
}

TEST(TimeBudget, BudgetRecipeIsPrintedAndFlagsOverrideIt) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus());
  const std::vector<std::string> args = {"train", data, "--out", tmp.file("m"), "--max-time", "0.5", "--hidden-size", "8",
                                         "--embed-size", "4", "--threads", "1", "--precision", "fp32"};
  const CliResult r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.err.find("--batch-size"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for a 0.5-second budget:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--lr-schedule cosine"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--hidden-size"), std::string::npos) << "given flags are not overridden: " << r.err;
  const auto cfg = nlohmann::json::parse(TempDir::read(tmp.file("m") + "/config.json"));
  EXPECT_EQ(cfg["hidden_size"], 8);
  EXPECT_GT(cfg["num_layers"].get<int>(), 0);
  // The same command with --resume continues it: the recipe's batching is chosen again.
  const CliResult again = run_cli(args + std::vector<std::string>{"--resume"});
  EXPECT_EQ(again.exit_code, 0) << show(again);
}

TEST(TimeBudget, BadScheduleFlagsAreUsageErrorsNamingTheFlag) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus());
  const std::vector<std::vector<std::string>> cases = {
      {"--warmup", "-1"}, {"--val-sample", "-5"}, {"--min-lr", "nan"},
      {"--lr-schedule", "cosine", "--lr", "0.01", "--min-lr", "0.02"}};
  for (const auto& extra : cases) {
    const std::string out = tmp.file("m" + std::to_string(&extra - cases.data()));
    const CliResult r = run_cli(tiny_train_args(data, out) + extra);
    const std::string flag = extra[0] == "--lr-schedule" ? "--min-lr" : extra[0];
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << "a refused run writes nothing";
  }
}

}  // namespace
}  // namespace rnngen::testing
