// Contract: one writer per model directory. A second `rnngen train --out DIR` while one runs
// exits 2 naming the lock file and the first one's process id; a run killed with SIGKILL
// leaves no lock that stops the next.
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

TEST(OneWriter, SecondTrainerRefusedThenAKilledOneDoesNotBlock) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus(40));
  const std::string dir = tmp.file("model");
  const auto args = tiny_train_args(data, dir) + std::vector<std::string>{"--epochs", "100000"};
  const fs::path ck = fs::path(dir) / "checkpoint" / "state.safetensors";
  const std::string lock = tmp.file(".model.lock");
  {
    CliProcess first(args);
    while (!fs::exists(ck) && first.running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(first.running());
    for (const auto& extra : {std::vector<std::string>{}, std::vector<std::string>{"--resume"},
                              std::vector<std::string>{"--force"}}) {
      const CliResult second = run_cli(args + extra);
      expect_input_error(second, {"--out " + dir, "process " + std::to_string(first.pid()), lock});
    }
    ::kill(first.pid(), SIGKILL);
    EXPECT_EQ(first.wait(), 128 + SIGKILL);
  }
  ASSERT_TRUE(fs::exists(lock)) << "SIGKILL leaves the file; the test must show it is no lock";
  const CliResult next = run_cli(tiny_train_args(data, dir) + std::vector<std::string>{"--resume", "--max-steps", "1"});
  EXPECT_EQ(next.exit_code, 0) << show(next);
  EXPECT_FALSE(fs::exists(lock)) << "a run that ends removes its lock file";
}

}  // namespace
}  // namespace rnngen::testing
