// rnngen: the command-line front end. Subcommands live in their own files; this one only
// registers them and maps library errors to exit codes (2: bad usage or input, 1: other).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "commands.h"
#include "rnngen/error.h"

int main(int argc, char** argv) {
  // OpenMP threads that spin between our many short parallel regions (two per time step) take
  // the cores other processes need on a shared machine: on the loaded 2-core test machine,
  // char LSTM H128 training at 2 threads ran 44-113k tokens/s with OMP_WAIT_POLICY=PASSIVE,
  // 1.4-8.8k with ACTIVE, 3.9-7.6k with libgomp's default and 11.5k with GOMP_SPINCOUNT=10000
  // (docs/performance.md). libgomp reads the policy when it loads, before main, so unless the
  // user chose one, run again with PASSIVE set (once: the variable is then set).
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT")) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);  // on failure, carry on with the default policy
  }
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
