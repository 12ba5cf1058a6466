// For targets whose CLI entry point reads a path (config.json, tokenizer.json, text files):
// the input is written to one file per process, so the fuzzer runs the CLI's own code.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace rnngen::fuzz {

inline std::string write_input(const char* name, const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/rnngen-fuzz-XXXXXX";
    return std::string(::mkdtemp(tmpl) ? tmpl : "/tmp");
  }();
  const std::string path = dir + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

}  // namespace rnngen::fuzz
