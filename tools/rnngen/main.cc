// rnngen: the command-line front end. Subcommands live in their own files; this one only
// registers them and maps library errors to exit codes (2: bad usage or input, 1: other).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.h"
#include "rnngen/error.h"

int main(int argc, char** argv) {
  CLI::App app{"rnngen: train recurrent networks on text and generate from them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rnngen 0.1.0");
  rnngen::cli::Runner run;
  rnngen::cli::add_train(app, run);
  rnngen::cli::add_sample(app, run);
  rnngen::cli::add_eval(app, run);
  rnngen::cli::add_summary(app, run);
  rnngen::cli::add_bench(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return run ? run() : 0;
  } catch (const rnngen::InputError& e) {
    std::fprintf(stderr, "rnngen: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnngen: error: %s\n", e.what());
    return 1;
  }
}
