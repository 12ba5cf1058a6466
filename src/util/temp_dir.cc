#include "util/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rnngen {

ScopedTempDir::ScopedTempDir(std::string_view prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary directory " + tmpl + ": " + std::strerror(errno));
  path_ = tmpl;
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ec;  // a destructor must not throw; a leftover temp dir is the worst case
  std::filesystem::remove_all(path_, ec);
}

}  // namespace rnngen
