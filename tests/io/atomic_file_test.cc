// write_file_atomic / read_file: contents, permissions, no leftovers, and errors that name
// the path.
#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::io {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;
namespace fs = std::filesystem;

size_t entries_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, WritesBinaryBytesAndReadsThemBack) {
  TempDir dir;
  std::string bytes("a\0b\xff\n", 5);
  for (int i = 0; i < 200000; ++i) bytes.push_back(static_cast<char>(i * 7));
  const std::string path = dir.file("out.bin");
  write_file_atomic(path, bytes);
  EXPECT_EQ(TempDir::read(path), bytes);
  EXPECT_EQ(read_file(path), bytes);
  EXPECT_EQ(entries_in(dir.path()), 1u) << "temporary file left behind";
}

TEST(AtomicFile, ReplacesExistingFileAndKeepsItsMode) {
  TempDir dir;
  const std::string path = dir.write("f.txt", "old contents, longer than the new");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  write_file_atomic(path, "new");
  EXPECT_EQ(read_file(path), "new");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(AtomicFile, NewFileIsWorldReadable) {
  TempDir dir;
  const std::string path = dir.file("new.txt");
  write_file_atomic(path, "");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // not mkstemp's 0600
  EXPECT_EQ(read_file(path), "");
}

TEST(AtomicFile, MissingDirectoryIsInputErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/f.txt");
  std::string msg = error_of<InputError>([&] { write_file_atomic(path, "x"); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("No such file or directory"), std::string::npos) << msg;
}

TEST(AtomicFile, ParentThatIsAFileIsInputError) {
  TempDir dir;
  const std::string file = dir.write("plain", "x");
  std::string msg = error_of<InputError>([&] { write_file_atomic(file + "/f.txt", "x"); });
  EXPECT_NE(msg.find("Not a directory"), std::string::npos) << msg;
}

TEST(AtomicFile, TargetThatIsADirectoryIsInputErrorAndStaysIntact) {
  TempDir dir;
  fs::create_directory(dir.path() / "sub");
  std::string msg = error_of<InputError>([&] { write_file_atomic(dir.file("sub"), "x"); });
  EXPECT_NE(msg.find(dir.file("sub")), std::string::npos) << msg;
  EXPECT_TRUE(fs::is_directory(dir.path() / "sub"));
  EXPECT_EQ(entries_in(dir.path()), 1u);
}

TEST(AtomicFile, UnwritableDirectoryIsInputError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir dir;
  fs::create_directory(dir.path() / "ro");
  fs::permissions(dir.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string path = dir.file("ro/f.txt");
  std::string msg = error_of<InputError>([&] { write_file_atomic(path, "x"); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
}

// A write that fails half way (here: over the file size limit) must leave the old file as it
// was and no temporary file behind.
TEST(AtomicFile, FailedWriteKeepsOldFileAndRemovesTemporary) {
  TempDir dir;
  const std::string path = dir.write("keep.txt", "previous");
  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 4096;
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string msg =
      error_of<std::runtime_error>([&] { write_file_atomic(path, std::string(100000, 'x')); });
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_EQ(read_file(path), "previous");
  EXPECT_EQ(entries_in(dir.path()), 1u) << "temporary file left behind";
}

TEST(AtomicFile, RelativePathInCurrentDirectory) {
  TempDir dir;
  const fs::path old_cwd = fs::current_path();
  fs::current_path(dir.path());
  write_file_atomic("rel.txt", "here");
  fs::current_path(old_cwd);
  EXPECT_EQ(read_file(dir.file("rel.txt")), "here");
}

TEST(ReadFile, MissingFileMessage) {
  TempDir dir;
  const std::string path = dir.file("absent.txt");
  EXPECT_EQ(error_of<InputError>([&] { read_file(path); }),
            "cannot read " + path + ": No such file or directory");
}

TEST(ReadFile, DirectoryMessage) {
  TempDir dir;
  const std::string path = dir.path().string();
  EXPECT_EQ(error_of<InputError>([&] { read_file(path); }),
            "cannot read " + path + ": Is a directory");
}

TEST(ReadFile, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  TempDir dir;
  const std::string path = dir.write("secret", "x");
  ::chmod(path.c_str(), 0);
  EXPECT_EQ(error_of<InputError>([&] { read_file(path); }),
            "cannot read " + path + ": Permission denied");
}

TEST(ReadFile, EmptyFileIsEmptyString) {
  TempDir dir;
  EXPECT_EQ(read_file(dir.write("empty", "")), "");
}

}  // namespace
}  // namespace rnngen::io
