#include "io/dir_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::io {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

TEST(DirLock, LockPathIsAHiddenSiblingOfTheDirectory) {
  EXPECT_EQ(dir_lock_path("/a/b/model"), "/a/b/.model.lock");
  EXPECT_EQ(dir_lock_path("/a/b/model/"), "/a/b/.model.lock");
  EXPECT_EQ(dir_lock_path("model"), ".model.lock");
}

TEST(DirLock, SecondHolderRefusedNamingPidAndLockThenFreeAfterRelease) {
  TempDir tmp;
  const std::string dir = tmp.file("m");
  {
    const DirLock first(dir);
    EXPECT_EQ(TempDir::read(first.path()), std::to_string(::getpid()) + "\n");
    // flock locks belong to the open file, so a second open in this process conflicts too.
    const std::string msg = error_of<InputError>([&] { DirLock second(dir); });
    EXPECT_EQ(msg, "--out " + dir + ": another rnngen train (process " + std::to_string(::getpid()) +
                       ") is writing to it; it holds the lock " + first.path());
  }
  EXPECT_FALSE(std::filesystem::exists(dir_lock_path(dir)));
  const DirLock again(dir);
}

TEST(DirLock, ALeftoverLockFileIsNotALock) {
  TempDir tmp;
  const std::string dir = tmp.file("m");
  tmp.write(".m.lock", "99999\n");  // as a run killed with SIGKILL leaves it
  const DirLock lock(dir);
  EXPECT_EQ(TempDir::read(lock.path()), std::to_string(::getpid()) + "\n");
}

}  // namespace
}  // namespace rnngen::io
