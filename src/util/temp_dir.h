// A private directory under the system temp dir for one piece of work, removed with
// everything in it when the object goes out of scope (also when an exception unwinds).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace rnngen {

class ScopedTempDir {
 public:
  // `prefix` starts the directory's name ("rnngen-plot-" -> /tmp/rnngen-plot-Ab12Cd).
  // std::runtime_error when it cannot be created.
  explicit ScopedTempDir(std::string_view prefix);
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  const std::filesystem::path& path() const { return path_; }
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace rnngen
