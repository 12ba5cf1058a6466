#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "rnngen/error.h"

namespace rnngen::io {
namespace {

// Errors that say the path itself is wrong (the user's to fix) rather than the machine.
bool is_path_error(int err) {
  switch (err) {
    case ENOENT: case ENOTDIR: case EISDIR: case EACCES: case EPERM: case EROFS:
    case ENAMETOOLONG: case ELOOP:
      return true;
    default:
      return false;
  }
}

[[noreturn]] void throw_write_error(const std::string& path, const std::string& what, int err) {
  std::string msg = "cannot write " + path + ": " + what + std::strerror(err);
  if (is_path_error(err)) throw InputError(msg);
  throw std::runtime_error(msg);
}

// Closes the descriptor and removes the temporary file unless the write was committed.
class TempFile {
 public:
  TempFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(name_.c_str());
  }
  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  // Closes explicitly so that a close error (NFS reports write-back failures here) is seen.
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }
  void commit() { committed_ = true; }

 private:
  int fd_;
  std::string name_;
  bool committed_ = false;
};

bool write_all(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError("cannot write a file with an empty name");
  const fs::path target(path);
  const std::string dir =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  struct stat dir_st {};
  if (::stat(dir.c_str(), &dir_st) != 0)
    throw_write_error(path, "directory " + dir + ": ", errno);
  if (!S_ISDIR(dir_st.st_mode)) throw_write_error(path, dir + ": ", ENOTDIR);

  // Keep an existing file's permissions; a new one gets the usual 0644 (mkstemp makes 0600).
  mode_t mode = 0644;
  struct stat target_st {};
  if (::stat(path.c_str(), &target_st) == 0) {
    if (S_ISDIR(target_st.st_mode)) throw_write_error(path, "", EISDIR);
    mode = target_st.st_mode & 07777;
  }

  // Same directory as the target so that rename() is atomic (same file system); the leading
  // dot keeps half-written files out of casual listings.
  std::string tmpl = dir + "/." + target.filename().string() + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw_write_error(path, "cannot create a temporary file in " + dir + ": ", errno);
  TempFile tmp(fd, tmpl);

  if (::fchmod(tmp.fd(), mode) != 0) throw_write_error(path, "", errno);
  if (!write_all(tmp.fd(), bytes)) throw_write_error(path, "", errno);
  // Data must be on disk before the rename makes it visible, or a crash could leave the new
  // name pointing at an empty file.
  if (::fsync(tmp.fd()) != 0) throw_write_error(path, "", errno);
  if (tmp.close() != 0) throw_write_error(path, "", errno);
  if (::rename(tmp.name().c_str(), path.c_str()) != 0) throw_write_error(path, "", errno);
  tmp.commit();

  // Persist the rename itself. The new contents are already in place, so a failure here is
  // not worth failing the write for on file systems that refuse to fsync directories.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string read_file(const std::string& path) {
  auto fail = [&](int err) -> InputError {
    return InputError("cannot read " + path + ": " + std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    throw fail(err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw fail(EISDIR);
  }
  // st_size is only a hint (pipes and /proc files report 0); read until end of file.
  std::string out;
  if (S_ISREG(st.st_mode) && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw fail(err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace rnngen::io
