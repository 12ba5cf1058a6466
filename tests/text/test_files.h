// Reading test inputs: the committed files under tests/data and the shared corpora beside
// the repository (which a checkout may not have).
#pragma once
#include <cstdio>
#include <optional>
#include <string>

namespace rnngen::testing {

inline std::optional<std::string> read_file_if_present(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string text;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

inline std::string test_data_path(const std::string& name) {
  return RNNGEN_SOURCE_DIR "/tests/data/" + name;
}
inline std::string shared_data_path(const std::string& name) {
  return RNNGEN_SOURCE_DIR "/../shared/data/" + name;
}

}  // namespace rnngen::testing
