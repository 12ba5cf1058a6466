// CRC-32C (Castagnoli), the checksum a checkpoint records of its own bytes so that a corrupt
// or truncated one is refused instead of resumed. The SSE4.2 crc32 instruction (in the
// x86-64-v3 baseline) does it at several GB/s, so checking a large checkpoint costs little
// beside reading it. It catches every error burst up to 32 bits long, which is what a flipped
// or zeroed byte on disk is.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rnngen::util {

// Continues `crc` (0 to start) over n bytes.
uint32_t crc32c(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(uint32_t crc, std::string_view s) { return crc32c(crc, s.data(), s.size()); }

// "crc32c:" and 8 lower-case hex digits.
std::string crc32c_text(uint32_t crc);

}  // namespace rnngen::util
