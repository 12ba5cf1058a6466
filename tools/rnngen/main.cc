// rnngen: the command-line front end. Subcommands live in their own files; this one only
// registers them and maps errors to exit codes (contract: 2 for bad usage or input with one
// line on stderr, 1 for anything else).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
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

int main(int argc, char** argv) {
  CLI::App app{"rnngen: train recurrent networks on text and generate from them"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rnngen 0.1.0");
  rnngen::cli::Runner run;
  rnngen::cli::add_train(app, run);
  rnngen::cli::add_sample(app, run);
  rnngen::cli::add_eval(app, run);
  rnngen::cli::add_summary(app, run);

  rnngen::cli::add_plot(app, run);

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
    std::fprintf(stderr, "rnngen: %s\n", message.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnngen: error: %s\n", e.what());
    return 1;
  }
}
