// The subcommands of the CLI, one file each. add_X registers subcommand X on the app; when X
// is parsed its callback stores in `run` the work to do, which main runs inside its error
// handling.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace rnngen::cli {

using Runner = std::function<int()>;

void add_summary(CLI::App& app, Runner& run);
void add_eval(CLI::App& app, Runner& run);
void add_train(CLI::App& app, Runner& run);
void add_sample(CLI::App& app, Runner& run);
void add_bench(CLI::App& app, Runner& run);

}  // namespace rnngen::cli
