// libFuzzer target: the safetensors reader that `rnngen` runs on model.safetensors and the
// checkpoint (the same parse_index behind read_safetensors and SafetensorsView). Any input
// must end in tensors or an InputError; a crash, hang or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/safetensors.h"
#include "rnngen/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rnngen::io::parse_safetensors(std::string_view(reinterpret_cast<const char*>(data), size),
                                  "fuzz.safetensors");
  } catch (const rnngen::InputError&) {
  }
  return 0;
}
