// Runs the real rnngen binary (RNNGEN_CLI_PATH) the way a user's shell would: its own
// process, arguments as given, stdout and stderr captured separately.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace rnngen::testing {

inline const char* cli_path() { return RNNGEN_CLI_PATH; }

struct CliResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out, err;
};

// A started `rnngen ARGS...` whose output goes to /dev/null; for tests that kill it.
class CliProcess {
 public:
  explicit CliProcess(const std::vector<std::string>& args) { pid_ = spawn(with_cli(args), -1, -1); }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;
  ~CliProcess() {
    if (pid_ > 0) {
      if (!ended_) ::kill(pid_, SIGKILL);
      wait();
    }
  }
  pid_t pid() const { return pid_; }
  // Exit status as in CliResult.
  int wait() {
    int status = status_;
    if (!ended_)
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // Whether the process has not ended yet (without waiting); after it has, wait() returns at once.
  bool running() {
    if (pid_ <= 0 || ended_) return false;
    ended_ = ::waitpid(pid_, &status_, WNOHANG) == pid_;
    return !ended_;
  }

  static std::vector<std::string> with_cli(const std::vector<std::string>& args) {
    std::vector<std::string> full{cli_path()};
    full.insert(full.end(), args.begin(), args.end());
    return full;
  }

  // fork + exec of full[0] with stdout/stderr on the given descriptors (-1: /dev/null).
  static pid_t spawn(std::vector<std::string> full, int out_fd, int err_fd) {
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      const int null_fd = ::open("/dev/null", O_RDWR);
      ::dup2(null_fd, 0);
      ::dup2(out_fd >= 0 ? out_fd : null_fd, 1);
      ::dup2(err_fd >= 0 ? err_fd : null_fd, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

 private:
  pid_t pid_ = -1;
  bool ended_ = false;  // reaped by running()
  int status_ = 0;
};

// Runs the program full[0] (a path) with arguments full[1..] to completion.
inline CliResult run_program(const std::vector<std::string>& full) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = CliProcess::spawn(full, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  // Both pipes at once: reading one to its end first could deadlock on a full other one.
  CliResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace rnngen::testing

namespace rnngen::testing {

// Runs `rnngen ARGS...` to completion.
inline CliResult run_cli(const std::vector<std::string>& args) { return run_program(CliProcess::with_cli(args)); }

}  // namespace rnngen::testing
