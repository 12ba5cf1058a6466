// A model written by `rnngen train` loads into the contract's PyTorch module with
// load_state_dict(strict=True) (scripts/check_torch_load.py), for each cell, one-hot input
// and tied weights ("rnn_relu", our extension, is not in the contract's module). Skipped where Debian's python3 has no torch.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

TEST(TorchLoad, StrictLoadStateDict) {
  TempDir tmp;
  const std::string data = tmp.write("data.txt", tiny_corpus());
  // One python run for all of them: importing torch takes seconds.
  std::vector<std::string> command{kPython, std::string(RNNGEN_SOURCE_DIR) + "/scripts/check_torch_load.py"};
  const std::vector<std::vector<std::string>> variants{{"--cell", "lstm", "--num-layers", "2"},
                                                       {"--cell", "gru", "--embed-size", "0"},
                                                       {"--cell", "rnn", "--embed-size", "8", "--tie-weights"}};
  for (size_t i = 0; i < variants.size(); ++i) {
    const std::string out = tmp.file("model" + std::to_string(i));
    const CliResult t = run_cli(tiny_train_args(data, out) + variants[i] + std::vector<std::string>{"--max-steps", "2"});
    ASSERT_EQ(t.exit_code, 0) << show(t);
    command.push_back(out);
  }
  const CliResult r = run_program(command);
  if (r.exit_code == 127 || r.err.find("No module named 'torch'") != std::string::npos)
    GTEST_SKIP() << kPython << " cannot import torch (install python3-torch to run this check): " << r.err;
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), static_cast<long>(variants.size())) << r.out;
}

}  // namespace
}  // namespace rnngen::testing
