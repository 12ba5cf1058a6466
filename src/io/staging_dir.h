// Creating a directory atomically: its contents are written under a temporary name beside
// the target and the whole directory is renamed into place, so that a crash or kill -9 leaves
// either no target or a complete one (plus, at worst, a stale ".NAME.tmp.PID.N" beside it).
#pragma once
#include <filesystem>

namespace rnngen::io {

class StagingDir {
 public:
  // Creates the parent directories of `target` and an empty ".NAME.tmp.PID.N" beside it.
  // InputError naming target when that is impossible (missing permission, a file in the way).
  explicit StagingDir(const std::filesystem::path& target);
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  // Removes the staging directory and everything in it unless commit() succeeded.
  ~StagingDir();

  const std::filesystem::path& path() const { return path_; }
  // Renames the staging directory to the target given to the constructor, atomically;
  // rename(2) replaces the target only when it is an empty directory.
  void commit();

 private:
  std::filesystem::path target_, path_;
  bool committed_ = false;
};

}  // namespace rnngen::io
