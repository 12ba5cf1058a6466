#include "util/crc32c.h"

#include <gtest/gtest.h>

namespace rnngen::util {
namespace {

TEST(Crc32c, KnownVectors) {
  // RFC 3720 (iSCSI) B.4 and the common check value of "123456789".
  EXPECT_EQ(crc32c(0, "123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(0, std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(0, std::string(32, '\xff')), 0x62A8AB43u);
  EXPECT_EQ(crc32c(0, ""), 0u);
  EXPECT_EQ(crc32c_text(0xE3069283u), "crc32c:e3069283");
}

TEST(Crc32c, ContinuesAcrossPiecesAndAlignments) {
  const std::string s = "the quick brown fox jumps over the lazy dog, twice over";
  const uint32_t whole = crc32c(0, s);
  for (size_t cut = 0; cut <= s.size(); ++cut)
    EXPECT_EQ(crc32c(crc32c(0, s.substr(0, cut)), s.substr(cut)), whole) << cut;
}

}  // namespace
}  // namespace rnngen::util
