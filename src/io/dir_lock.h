// One writer per model directory: `rnngen train --out DIR` holds an advisory flock(2) on
// DIR's lock file (.NAME.lock beside DIR, so that it exists before DIR is created and
// survives DIR being renamed into place) for as long as it runs. The lock is on an open
// file, not the file's existence: the kernel drops it when the process ends, however it ends,
// so a run killed with SIGKILL leaves nothing that stops the next one. The file holds the
// holder's process id, for the message a second writer gets.
#pragma once
#include <string>

namespace rnngen::io {

class DirLock {
 public:
  // Takes the lock or throws InputError naming DIR, the lock file and the holder's pid
  // (exit 2: the user asked for something that cannot be done now), or when the lock file
  // cannot be created (a read-only parent), naming it.
  explicit DirLock(const std::string& dir);
  ~DirLock();  // removes the lock file, then releases the lock
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// The lock file of DIR: DIR's parent / ".NAME.lock".
std::string dir_lock_path(const std::string& dir);

}  // namespace rnngen::io
