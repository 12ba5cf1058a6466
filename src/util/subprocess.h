// Running a helper program (gnuplot) as a child process: no shell, so file names need no
// quoting, and its output captured instead of mixed into ours.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace rnngen {

// The full path of `name` found on $PATH (or `name` itself when it contains a '/' and is
// executable), or nullopt.
std::optional<std::string> find_program(const std::string& name);

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when a signal ended it
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (a path) with argv, stdin from /dev/null, stdout and stderr into `log_file`
// (read back into ProcessResult::output), and waits for it. std::runtime_error when it
// cannot be started.
ProcessResult run_program(const std::vector<std::string>& argv, const std::string& log_file);

}  // namespace rnngen
