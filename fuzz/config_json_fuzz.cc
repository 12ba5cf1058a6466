// libFuzzer target: config.json as every command reads it (io::read_config). Any input must
// end in a config or an InputError.
#include <cstddef>
#include <cstdint>

#include "fuzz_file.h"
#include "io/config_json.h"
#include "rnngen/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = rnngen::fuzz::write_input("config.json", data, size);
  try {
    rnngen::io::read_config(path);
  } catch (const rnngen::InputError&) {
  }
  return 0;
}
