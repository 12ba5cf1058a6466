#include "io/staging_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "rnngen/error.h"

namespace rnngen::io {

namespace fs = std::filesystem;

StagingDir::StagingDir(const fs::path& target) : target_(target) {
  // "out/" names the directory "out": drop the empty file name a trailing slash leaves.
  if (target_.has_parent_path() && target_.filename().empty()) target_ = target_.parent_path();
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw InputError(target_.string() + ": cannot create " + parent.string() + ": " + ec.message());
  // mkdir rather than mkdtemp: the directory gets the user's umask like any other new one.
  for (int attempt = 0; attempt < 1000 && path_.empty(); ++attempt) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on the one-liner.
    std::string name = ".";
    name.append(target_.filename().string()).append(".tmp.").append(std::to_string(::getpid()));
    name.append(".").append(std::to_string(attempt));
    const fs::path p = parent / name;
    if (::mkdir(p.c_str(), 0777) == 0)
      path_ = p;
    else if (errno != EEXIST)
      throw InputError(target_.string() + ": cannot create a directory in " + parent.string() + ": " +
                       std::strerror(errno));
  }
  if (path_.empty()) throw std::runtime_error(target_.string() + ": no free temporary name beside it");
}

StagingDir::~StagingDir() {
  std::error_code ec;
  if (!committed_) fs::remove_all(path_, ec);
}

void StagingDir::commit() {
  if (::rename(path_.c_str(), target_.c_str()) != 0)
    throw InputError(target_.string() + ": cannot move the new directory into place: " + std::strerror(errno));
  committed_ = true;
  // Persist the rename, as write_file_atomic does for files.
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace rnngen::io
