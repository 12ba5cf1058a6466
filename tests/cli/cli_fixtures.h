// What the CLI tests share: a small training text, the flags of a tiny fast model, a listing
// of a directory tree (to prove a failed command left nothing behind) and the check of the
// contract's usage-error shape.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_runner.h"

namespace rnngen::testing {

// About 2 KB of lines of words from a 10-word list; a fixed generator so every run is equal.
inline std::string tiny_corpus(int lines = 80) {
  static const char* words[] = {"the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "home"};
  uint32_t x = 12345;
  std::string text;
  for (int l = 0; l < lines; ++l) {
    for (int w = 0; w < 6; ++w) {
      x = x * 1664525u + 1013904223u;
      if (w) text += ' ';
      text += words[(x >> 16) % 10];
    }
    text += '\n';
  }
  return text;
}

// `rnngen train DATA --out OUT` with a model small enough that a step takes microseconds.
inline std::vector<std::string> tiny_train_args(const std::string& data, const std::string& out) {
  return {"train", data, "--out", out, "--hidden-size", "8", "--embed-size", "4", "--num-layers", "1",
          "--seq-len", "8", "--batch-size", "2", "--threads", "1", "--seed", "7", "-q",
          // fp32 whatever the CPU (the default, auto, is bf16 where it can be): the tests' numbers
          // and trajectories were made for it, and then mean the same on every machine.
          "--precision", "fp32"};
}

// Trains a tiny model on tiny_corpus() for `steps` steps into DIR/NAME; returns its path.
inline std::string train_tiny_model(const std::filesystem::path& dir, const std::string& name, int steps = 3) {
  const std::string data = (dir / (name + "-data.txt")).string();
  std::ofstream(data, std::ios::binary) << tiny_corpus();
  const std::string out = (dir / name).string();
  auto args = tiny_train_args(data, out);
  args.insert(args.end(), {"--max-steps", std::to_string(steps)});
  const CliResult r = run_cli(args);
  if (r.exit_code != 0) ADD_FAILURE() << "training the test model failed: " << r.err;
  return out;
}

// args with `flags` applied: "--name value" replaces the value of a --name already in args
// (CLI11 rejects an option given twice), anything else is appended.
inline std::vector<std::string> operator+(std::vector<std::string> args, const std::vector<std::string>& flags) {
  for (size_t i = 0; i < flags.size(); ++i) {
    const bool has_value = i + 1 < flags.size() && flags[i].rfind("--", 0) == 0 && flags[i + 1].rfind("--", 0) != 0;
    auto it = std::find(args.begin(), args.end(), flags[i]);
    if (has_value && it != args.end() && it + 1 != args.end()) {
      *(it + 1) = flags[++i];
    } else {
      args.push_back(flags[i]);
      if (has_value) args.push_back(flags[++i]);
    }
  }
  return args;
}

// Every path under dir (hidden ones included), relative and sorted, with file sizes.
inline std::vector<std::string> tree(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string line = std::filesystem::relative(e.path(), dir).string();
    if (e.is_regular_file()) line.append(" ").append(std::to_string(e.file_size()));
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string show(const CliResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

// The contract's bad-input shape: exit status 2 and exactly one line on stderr, which holds
// every one of `needles` (the file or flag and what is wrong with it).
inline void expect_input_error(const CliResult& r, const std::vector<std::string>& needles) {
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "stderr must be one line: " << r.err;
  EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << r.err;
  EXPECT_EQ(r.err.rfind("rnngen", 0), 0u) << "stderr should start with the program's name: " << r.err;
  for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "'" << n << "' not in: " << r.err;
}

}  // namespace rnngen::testing
