// Command-line mistakes CLI11 catches (missing arguments, unknown flags, values that are not
// numbers, unknown commands) follow the contract too: exit 2, one line naming the problem,
// and a hint where to read more. --help and --version are not errors.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"

namespace rnngen::testing {
namespace {

TEST(CliUsage, MissingPositionalNamesItAndHintsAtHelp) {
  expect_input_error(run_cli({"eval"}), {"DIR", "required", "run 'rnngen eval --help'"});
  expect_input_error(run_cli({"train", "data.txt"}), {"--out", "required", "run 'rnngen train --help'"});
}

TEST(CliUsage, UnknownFlag) {
  expect_input_error(run_cli({"summary", "some_dir", "--no-such-flag"}),
                     {"--no-such-flag", "run 'rnngen summary --help'"});
}

TEST(CliUsage, ValueThatIsNotANumber) {
  expect_input_error(run_cli({"train", "data.txt", "--out", "x", "--seq-len", "abc"}),
                     {"--seq-len", "abc", "run 'rnngen train --help'"});
}

TEST(CliUsage, FlagWithoutItsValue) {
  expect_input_error(run_cli({"sample", "dir", "--top-k"}), {"--top-k", "run 'rnngen sample --help'"});
}

TEST(CliUsage, UnknownCommandIsNamed) {
  expect_input_error(run_cli({"trian"}), {"'trian' is not a command", "train", "run 'rnngen --help'"});
}

TEST(CliUsage, NoCommand) { expect_input_error(run_cli({}), {"run 'rnngen --help'"}); }

TEST(CliUsage, NegativeSeedIsRejectedNotWrapped) {
  expect_input_error(run_cli({"sample", "dir", "--seed", "-3"}), {"--seed", "-3"});
  expect_input_error(run_cli({"train", "data.txt", "--out", "x", "--seed", "-3"}), {"--seed", "-3"});
}

TEST(CliUsage, HelpAndVersionSucceedOnStdout) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"train", "--help"}, {"--version"}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_FALSE(r.out.empty());
    EXPECT_EQ(r.err, "");
  }
}

}  // namespace
}  // namespace rnngen::testing
