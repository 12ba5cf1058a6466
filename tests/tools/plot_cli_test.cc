// `rnngen plot` as users run it: exit 2 with a one-line message for a missing log or a
// missing gnuplot, 0 and a PNG otherwise.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "temp_dir.h"
#include "util/subprocess.h"

namespace {

using rnngen::testing::TempDir;

struct CliRun {
  int status;
  std::string err;
};

// Runs the CLI through the shell with `env` prefixed (e.g. "PATH=/x"), stderr captured.
CliRun rnngen_cli(const std::string& env, const std::string& args, const TempDir& dir) {
  const std::string err = dir.file("stderr.txt");
  const std::string cmd = env + " '" RNNGEN_CLI_PATH "' " + args + " >/dev/null 2>'" + err + "'";
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, TempDir::read(err)};
}

const char* kLog =
    "{\"step\":10,\"epoch\":0.1,\"tokens\":3200,\"train_nll\":3.9,\"val_nll\":3.5,\"lr\":0.002,"
    "\"tokens_per_s\":9000,\"elapsed_s\":1.5}\n";

TEST(PlotCli, MissingLogExitsTwo) {
  TempDir dir;
  const CliRun r = rnngen_cli("", "plot '" + dir.file("model") + "'", dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("train_log.jsonl"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

TEST(PlotCli, MissingGnuplotSaysWhatToInstall) {
  TempDir dir;
  dir.write("train_log.jsonl", kLog);
  const CliRun r = rnngen_cli("PATH=" + dir.path().string(), "plot '" + dir.path().string() + "'", dir);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("install gnuplot-nox"), std::string::npos) << r.err;
}

TEST(PlotCli, WritesThePng) {
  if (!rnngen::find_program("gnuplot")) GTEST_SKIP() << "gnuplot not installed";
  TempDir dir;
  dir.write("train_log.jsonl", kLog);
  const CliRun r = rnngen_cli("", "plot '" + dir.path().string() + "' --out '" + dir.file("curve.png") + "'", dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(TempDir::read(dir.file("curve.png")).substr(1, 3), "PNG");
}

}  // namespace
