// SIGINT (Ctrl-C), SIGTERM (schedulers, `timeout`, `docker stop`) and SIGHUP (a closed
// terminal) all ask training to stop the same way: the handler only records the signal, the
// loop finishes its step, checkpoints, saves and returns, and the CLI exits 128 + the signal
// (130, 143, 129) as a shell expects of a process those signals ended. A second signal while
// it saves only records again: every file is written atomically, so nothing tears.
#pragma once
#include <csignal>

namespace rnngen::train {

// Installs the handlers for its lifetime and puts back the caller's afterwards (a library
// caller outlives a training run).
class StopSignalGuard {
 public:
  StopSignalGuard();
  ~StopSignalGuard();
  StopSignalGuard(const StopSignalGuard&) = delete;
  StopSignalGuard& operator=(const StopSignalGuard&) = delete;

 private:
  struct sigaction prev_[3];
};

// The first stop signal received since the guard was made, or 0.
int stop_signal();

}  // namespace rnngen::train
