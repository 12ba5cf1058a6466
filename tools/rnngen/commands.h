// The subcommands of the CLI, one file each. add_X registers subcommand X on the app; when X
// is parsed its callback stores in `run` the work to do, which main runs inside its error
// handling.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace rnngen::cli {

using Runner = std::function<int()>;

// CLI11 reads "-3" into an unsigned option by wrapping it around; this rejects it first, in
// words (CLI::NonNegativeNumber would print the range up to DBL_MAX).
inline CLI::Validator not_negative() {
  return CLI::Validator(
      [](std::string& v) { return !v.empty() && v[0] == '-' ? "must not be negative, got " + v : std::string(); },
      "", "not_negative");
}

void add_summary(CLI::App& app, Runner& run);
void add_eval(CLI::App& app, Runner& run);
void add_train(CLI::App& app, Runner& run);
void add_sample(CLI::App& app, Runner& run);
void add_plot(CLI::App& app, Runner& run);
void add_bench(CLI::App& app, Runner& run);
void add_serve(CLI::App& app, Runner& run);

}  // namespace rnngen::cli
