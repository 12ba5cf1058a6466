// UTF-8: strict decoding checked exhaustively against an independent rule, encoding, NFC,
// read_text_file and positions for messages.
#include "text/utf8.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::text {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

TEST(Utf8, DecodesEveryLengthAtItsBoundaries) {
  const std::u32string cps = {0x0,    0x7F,   0x80,    0x7FF,    0x800,
                              0xD7FF, 0xE000, 0xFFFF,  0x10000,  0x10FFFF};
  const std::string bytes("\x00" "\x7f" "\xc2\x80" "\xdf\xbf" "\xe0\xa0\x80" "\xed\x9f\xbf"
                          "\xee\x80\x80" "\xef\xbf\xbf" "\xf0\x90\x80\x80" "\xf4\x8f\xbf\xbf",
                          26);
  EXPECT_EQ(decode_utf8(bytes, "t"), cps);
  EXPECT_EQ(encode_utf8(cps), bytes);
  EXPECT_EQ(validate_utf8(bytes, "t"), cps.size());
}

TEST(Utf8, EveryScalarValueRoundTrips) {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string s = encode_utf8(cp);
    size_t pos = 0;
    char32_t back = 0;
    ASSERT_TRUE(next_code_point(s, pos, back)) << std::hex << uint32_t(cp);
    ASSERT_EQ(uint32_t(back), uint32_t(cp));
    ASSERT_EQ(pos, s.size());
  }
}

// A sequence is well-formed exactly when it is the shortest encoding of a scalar value. This
// oracle builds that encoding by arithmetic, independent of the decoder's range tables.
bool oracle_valid(const unsigned char* b, size_t n) {
  if (n == 1) return b[0] < 0x80;
  const unsigned lead_bits[] = {0, 0, 0xC0, 0xE0, 0xF0};
  const unsigned lead_mask[] = {0, 0, 0xE0, 0xF0, 0xF8};
  if ((b[0] & lead_mask[n]) != lead_bits[n]) return false;
  char32_t cp = b[0] & ~lead_mask[n] & 0xFF;
  for (size_t i = 1; i < n; ++i) {
    if ((b[i] & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b[i] & 0x3F);
  }
  const char32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  return cp >= min[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

// True when the decoder and the oracle agree on whether b[0..n) is one whole character.
bool agrees(const unsigned char* b, size_t n) {
  std::string_view s(reinterpret_cast<const char*>(b), n);
  size_t pos = 0;
  char32_t cp;
  const bool whole = next_code_point(s, pos, cp) && pos == n;
  return whole == oracle_valid(b, n);
}

TEST(Utf8, AgreesWithTheShortestFormRuleOnEverySequenceUpToThreeBytes) {
  unsigned char b[3];
  for (size_t n = 1; n <= 3; ++n)
    for (uint32_t x = 0; x < (1u << (8 * n)); ++x) {
      for (size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(x >> (8 * (n - 1 - i)));
      ASSERT_TRUE(agrees(b, n)) << "bytes " << std::hex << x << " (" << n << " bytes)";
    }
}

TEST(Utf8, AgreesWithTheShortestFormRuleOnFourByteSequences) {
  // Every lead from F0 and every second and third byte; the last byte only matters by its
  // class, so a few representatives of each stand for all.
  const unsigned char last[] = {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
  unsigned char b[4];
  for (uint32_t x = 0xF00000; x <= 0xFFFFFF; ++x)
    for (unsigned char l : last) {
      b[0] = static_cast<unsigned char>(x >> 16);
      b[1] = static_cast<unsigned char>(x >> 8);
      b[2] = static_cast<unsigned char>(x);
      b[3] = l;
      ASSERT_TRUE(agrees(b, 4)) << "bytes " << std::hex << x << " " << int(l);
    }
}

struct Invalid {
  std::string bytes;
  size_t offset;
  const char* problem;
};

void PrintTo(const Invalid& c, std::ostream* os) {
  for (unsigned char b : c.bytes) *os << std::hex << int(b) << ' ';
}

class Utf8Invalid : public ::testing::TestWithParam<Invalid> {};

TEST_P(Utf8Invalid, NamesSourceOffsetAndProblem) {
  const Invalid& p = GetParam();
  std::string msg = error_of<InputError>([&] { decode_utf8(p.bytes, "in.txt"); });
  EXPECT_TRUE(msg.starts_with("in.txt: invalid UTF-8 at byte offset " + std::to_string(p.offset) +
                              " "))
      << msg;
  EXPECT_NE(msg.find(p.problem), std::string::npos) << msg;
  EXPECT_EQ(error_of<InputError>([&] { validate_utf8(p.bytes, "in.txt"); }), msg);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Utf8Invalid,
    ::testing::Values(Invalid{"\x80", 0, "unexpected continuation byte"},
                      Invalid{"ab\xc0\xaf", 2, "overlong"},
                      Invalid{"\xc1\xbf", 0, "overlong"},
                      Invalid{"x\xe0\x80\xaf", 1, "overlong"},
                      Invalid{"\xf0\x80\x80\xaf", 0, "overlong"},
                      Invalid{"\xed\xa0\x80", 0, "surrogate"},
                      Invalid{"ok\xed\xbf\xbf", 2, "surrogate"},
                      Invalid{"\xf4\x90\x80\x80", 0, "above U+10FFFF"},
                      Invalid{"\xf5\x80\x80\x80", 0, "never appears"},
                      Invalid{"\xff", 0, "never appears"},
                      Invalid{"abc\xe2\x82", 3, "truncated"},
                      Invalid{"\xe2\x82x", 0, "truncated"},
                      Invalid{"\xc3", 0, "truncated"},
                      Invalid{"\xf0\x9f\x98", 0, "truncated"},
                      Invalid{"caf\xc3\xa9\xa9", 5, "unexpected continuation byte"}));

TEST(Utf8, InvalidMessageGivesLineAndColumn) {
  EXPECT_EQ(error_of<InputError>([] { validate_utf8("a\nb\xc3\xa9\xff", "f.txt"); }),
            "f.txt: invalid UTF-8 at byte offset 5 (line 2, column 3): byte that never appears "
            "in UTF-8");
}

TEST(Utf8, EncodeRejectsNonScalarValues) {
  EXPECT_THROW(encode_utf8(char32_t{0xD800}), std::invalid_argument);
  EXPECT_THROW(encode_utf8(char32_t{0xDFFF}), std::invalid_argument);
  EXPECT_THROW(encode_utf8(char32_t{0x110000}), std::invalid_argument);
}

TEST(Nfc, ComposesCanonicalEquivalents) {
  EXPECT_EQ(nfc("e\xcc\x81"), "\xc3\xa9");                    // e + U+0301 -> U+00E9
  EXPECT_EQ(nfc("\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8"), "\xea\xb0\x81");  // jamo -> U+AC01
  EXPECT_EQ(nfc("\xe2\x84\xab"), "\xc3\x85");                 // ANGSTROM SIGN -> U+00C5
  EXPECT_EQ(nfc("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");   // already NFC
  EXPECT_EQ(nfc(std::string("a\0b\n", 4)), std::string("a\0b\n", 4));
  EXPECT_EQ(nfc(std::string("\xc3\xa9\0e\xcc\x81", 6)), std::string("\xc3\xa9\0\xc3\xa9", 5));
  EXPECT_EQ(nfc("\xef\xbf\xbf"), "\xef\xbf\xbf");  // noncharacter U+FFFF passes through
  EXPECT_EQ(nfc(""), "");
}

TEST(Nfc, InvalidInputIsInputErrorWithOffset) {
  std::string msg = error_of<InputError>([] { nfc("\xc3\xa9\xed\xa0\x80"); });
  EXPECT_NE(msg.find("invalid UTF-8 at byte offset 2"), std::string::npos) << msg;
}

TEST(ReadTextFile, ValidatesAndNormalises) {
  TempDir dir;
  EXPECT_EQ(read_text_file(dir.write("a.txt", "cafe\xcc\x81\n")), "caf\xc3\xa9\n");
}

TEST(ReadTextFile, DropsTheByteOrderMarkAndReadsCrlfAndCrAsLf) {
  TempDir dir;
  // What Python's open(path, encoding="utf-8-sig").read() returns for the same bytes.
  EXPECT_EQ(read_text_file(dir.write("w.txt", "\xEF\xBB\xBFone\r\ntwo\rthree\n\r\n\r\r\nend\r")),
            "one\ntwo\nthree\n\n\n\nend\n");
  // Only a leading mark is a byte order mark; inside the text U+FEFF is a character.
  EXPECT_EQ(read_text_file(dir.write("m.txt", "a\xEF\xBB\xBF" "b")), "a\xEF\xBB\xBF" "b");
  EXPECT_EQ(universal_newlines("\xEF\xBB\xBF\xEF\xBB\xBFx"), "\xEF\xBB\xBFx");
  EXPECT_EQ(universal_newlines("no change\n"), "no change\n");
  // A bad byte is reported at its offset in the file, the mark and CRs counted.
  const std::string bad = dir.write("bad.txt", "\xEF\xBB\xBF" "a\r\nb\xff");
  const std::string msg = error_of<InputError>([&] { read_text_file(bad); });
  EXPECT_TRUE(msg.starts_with(bad + ": invalid UTF-8 at byte offset 7")) << msg;
}

TEST(ReadTextFile, OnlyAByteOrderMarkIsEmpty) {
  TempDir dir;
  const std::string path = dir.write("bom.txt", "\xEF\xBB\xBF");
  EXPECT_EQ(error_of<InputError>([&] { read_text_file(path); }), path + ": file is empty");
}

TEST(ReadTextFile, EmptyFile) {
  TempDir dir;
  const std::string path = dir.write("empty.txt", "");
  EXPECT_EQ(error_of<InputError>([&] { read_text_file(path); }), path + ": file is empty");
}

TEST(ReadTextFile, InvalidUtf8NamesFileAndOffset) {
  TempDir dir;
  const std::string path = dir.write("latin1.txt", "na\xefve\n");
  std::string msg = error_of<InputError>([&] { read_text_file(path); });
  EXPECT_TRUE(msg.starts_with(path + ": invalid UTF-8 at byte offset 2 (line 1, column 3)"))
      << msg;
}

TEST(ReadTextFile, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("nope.txt");
  EXPECT_EQ(error_of<InputError>([&] { read_text_file(path); }),
            "cannot read " + path + ": No such file or directory");
}

TEST(Position, AtByteCountsLinesAndCodePointColumns) {
  const std::string t = "ab\nc\xc3\xa9" "d\n\xf0\x9f\x98\x80x";
  EXPECT_EQ(to_string(position_at_byte(t, 0)), "1:1");
  EXPECT_EQ(to_string(position_at_byte(t, 2)), "1:3");   // the newline itself
  EXPECT_EQ(to_string(position_at_byte(t, 3)), "2:1");
  EXPECT_EQ(to_string(position_at_byte(t, 6)), "2:3");   // 'd' after 2-byte e-acute
  EXPECT_EQ(to_string(position_at_byte(t, 12)), "3:2");  // 'x' after a 4-byte emoji
  EXPECT_EQ(to_string(position_at_byte(t, t.size())), "3:3");
}

TEST(Position, AtIndex) {
  const std::u32string t = U"ab\nc\u00e9d\n\U0001F600x";
  EXPECT_EQ(to_string(position_at_index(t, 0)), "1:1");
  EXPECT_EQ(to_string(position_at_index(t, 3)), "2:1");
  EXPECT_EQ(to_string(position_at_index(t, 5)), "2:3");
  EXPECT_EQ(to_string(position_at_index(t, 8)), "3:2");
}

TEST(DescribeChar, KeepsMessagesOnOneReadableLine) {
  EXPECT_EQ(describe_char(U'a'), "'a' (U+0061)");
  EXPECT_EQ(describe_char(U'\n'), "'\\n' (U+000A)");
  EXPECT_EQ(describe_char(U'\t'), "'\\t' (U+0009)");
  EXPECT_EQ(describe_char(U'\''), "\"'\" (U+0027)");
  EXPECT_EQ(describe_char(U' '), "' ' (U+0020)");
  EXPECT_EQ(describe_char(U'\u00e9'), "'\xc3\xa9' (U+00E9)");
  EXPECT_EQ(describe_char(U'\U0001F600'), "'\xf0\x9f\x98\x80' (U+1F600)");
  EXPECT_EQ(describe_char(0x200B), "U+200B");  // zero-width space (format)
  EXPECT_EQ(describe_char(0x00A0), "U+00A0");  // no-break space
  EXPECT_EQ(describe_char(0x2028), "U+2028");  // line separator
  EXPECT_EQ(describe_char(0x1B), "U+001B");    // escape
  EXPECT_EQ(describe_char(0x85), "U+0085");    // next line (C1 control)
}

}  // namespace
}  // namespace rnngen::text
