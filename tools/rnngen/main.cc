// rnngen: the command-line front end. Subcommands live in their own files; this one only
// registers them and maps errors to exit codes (contract: 2 for bad usage or input with one
// line on stderr, 1 for anything else).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "dist/comm.h"
#include "rnngen/error.h"

namespace {

// Prints "rnngen[ CMD]: MESSAGE; run 'rnngen[ CMD] --help'" as one line: scripts read the
// first line of stderr, so nothing CLI11 says may spill onto a second one.
int usage_error(const std::string& command, std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  const std::string prog = command.empty() ? "rnngen" : "rnngen " + command;
  std::fprintf(stderr, "%s: %s; run '%s --help'\n", prog.c_str(), message.c_str(), prog.c_str());
  return 2;
}

}  // namespace

static int run_main(int argc, char** argv) {
  // Two settings the C runtime reads when it loads, before main, so set them and run again
  // (once: they are then set) unless the user chose otherwise:
  //
  // OpenMP threads that spin between our many short parallel regions (two per time step) take
  // the cores other processes need on a shared machine: on the loaded 2-core test machine,
  // char LSTM H128 training at 2 threads ran 44-113k tokens/s with OMP_WAIT_POLICY=PASSIVE,
  // 1.4-8.8k with ACTIVE, 3.9-7.6k with libgomp's default and 11.5k with GOMP_SPINCOUNT=10000
  // (docs/performance.md). libgomp reads the policy when it loads.
  //
  // glibc.malloc.hugetlb=1 (glibc 2.35+; ignored by older ones) puts large allocations on
  // transparent huge pages where the kernel allows it ("madvise" mode): loading a model faults
  // in every page of the file's bytes and of the weights, and on the VMs we run on 4 KB page
  // faults made `rnngen summary` of a 79 MB model take 1.14 s, 0.17 s with the tunable
  // (docs/performance.md).
  bool again = false;
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT")) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    again = true;
  }
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (!tunables || !std::strstr(tunables, "glibc.malloc.hugetlb")) {
    const std::string t = tunables && *tunables ? std::string(tunables) + ":glibc.malloc.hugetlb=1"
                                                : "glibc.malloc.hugetlb=1";
    setenv("GLIBC_TUNABLES", t.c_str(), 1);
    again = true;
  }
  if (again) execv("/proc/self/exe", argv);  // on failure, carry on with the defaults
  CLI::App app{"rnngen: train recurrent networks on text and generate from them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rnngen 0.1.0");
  rnngen::cli::Runner run;
  rnngen::cli::add_train(app, run);
  rnngen::cli::add_sample(app, run);
  rnngen::cli::add_translate(app, run);
  rnngen::cli::add_eval(app, run);
  rnngen::cli::add_summary(app, run);
  rnngen::cli::add_plot(app, run);
  rnngen::cli::add_bench(app, run);
  rnngen::cli::add_serve(app, run);

  // CLI11 reports an unknown command as "A subcommand is required", which hides the typo.
  if (argc >= 2 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) return usage_error("", "'" + std::string(argv[1]) + "' is not a command (" + names + ")");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0: let CLI11 print them on stdout.
    if (e.get_exit_code() == 0) return app.exit(e);
    const auto parsed = app.get_subcommands();
    return usage_error(parsed.empty() ? "" : parsed.front()->get_name(), e.what());
  }
  try {
    return run ? run() : 0;
  } catch (const rnngen::InputError& e) {
    // The library promises one-line messages; flattening here keeps the contract even if a
    // message from deep inside (a JSON parser's, say) ever carries a newline.
    std::string message = e.what();
    for (char& c : message)
      if (c == '\n' || c == '\r') c = ' ';
    if (!rnngen::dist::errors_silenced()) std::fprintf(stderr, "rnngen: %s\n", message.c_str());
    return 2;
  } catch (const std::exception& e) {
    if (!rnngen::dist::errors_silenced()) std::fprintf(stderr, "rnngen: error: %s\n", e.what());
    return 1;
  }
}

int main(int argc, char** argv) {
  // Under mpirun: MPI_Finalize on success, MPI_Abort on failure (so that no peer waits on a
  // process that has gone). Without MPI this returns the code as it is.
  return rnngen::dist::finish(run_main(argc, argv));
}
