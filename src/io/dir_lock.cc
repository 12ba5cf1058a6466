#include "io/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "rnngen/error.h"

namespace rnngen::io {

namespace fs = std::filesystem;

std::string dir_lock_path(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" names "out"
  return (p.parent_path() / ("." + p.filename().string() + ".lock")).string();
}

namespace {

// The pid written by the holder; "unknown" while it has not written it yet.
std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "unknown" : s;
}

}  // namespace

DirLock::DirLock(const std::string& dir) : path_(dir_lock_path(dir)) {
  // Removing the file on exit races with a newcomer that opened it just before: it would
  // lock an unlinked inode while a third process creates and locks a fresh one. So after
  // locking, check that the path still names the locked file, and start again if not.
  // Training creates DIR's missing parents anyway (io::StagingDir); the lock comes first.
  std::error_code ec;
  fs::create_directories(fs::path(path_).parent_path(), ec);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)  // as StagingDir says of a directory it cannot create: bad --out, exit 2
      throw InputError("--out " + dir + ": cannot create its lock file " + path_ + ": " +
                       std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string pid = holder_of(fd);
      ::close(fd);
      if (err == EWOULDBLOCK)
        throw InputError("--out " + dir + ": another rnngen train (process " + pid +
                         ") is writing to it; it holds the lock " + path_);
      throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(err));
    }
    struct stat by_fd {}, by_path {};
    if (::fstat(fd, &by_fd) == 0 && ::stat(path_.c_str(), &by_path) == 0 &&
        by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The pid is only for messages; the lock holds without it.
      }
      fd_ = fd;
      return;
    }
    ::close(fd);  // we locked a file its holder had just removed: try the current one
  }
  throw std::runtime_error("cannot lock " + path_ + ": it keeps being replaced");
}

DirLock::~DirLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still locked: see the constructor
  ::close(fd_);
}

}  // namespace rnngen::io
