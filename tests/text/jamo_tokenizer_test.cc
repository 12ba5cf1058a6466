// Jamo tokenizer: exact round trips (including stray conjoining jamo), a stream decoder that
// never shows half a syllable, and the KoCoNovel text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rnngen/error.h"
#include "text/code_points.h"
#include "text/jamo_tokenizer.h"
#include "text/test_files.h"

namespace rnngen::text {
namespace {

std::u32string decomposed(const std::string& text) {
  std::u32string out;
  for (const auto& cp : decompose_hangul(text, "")) out += cp.value;
  return out;
}

// Pushes every id, checking that what has been printed is always a prefix of the original:
// a half-built syllable printed early would not be.
std::string stream(const JamoTokenizer& tok, const std::string& original) {
  auto dec = tok.stream_decoder();
  std::string out;
  for (int32_t id : tok.encode(original, "")) {
    out += dec->push(id);
    EXPECT_EQ(original.compare(0, out.size(), out), 0) << "printed: " << out;
  }
  return out + dec->flush();
}

TEST(Jamo, DecomposesSyllablesIntoConjoiningJamo) {
  EXPECT_EQ(decomposed("한글 a"), (std::u32string{0x1112, 0x1161, 0x11AB, 0x1100, 0x1173, 0x11AF,
                                                  U' ', U'a'}));
  EXPECT_EQ(decomposed("가"), (std::u32string{0x1100, 0x1161}));
  EXPECT_EQ(decomposed("\xED\x9E\xA3"), (std::u32string{0x1112, 0x1175, 0x11C2}));  // U+D7A3
}

TEST(Jamo, TokensAreTheSortedDistinctCodePoints) {
  auto tok = JamoTokenizer::fit({"한글", "글 "});
  EXPECT_EQ(tok->vocab_size(), 7);
  EXPECT_EQ(tok->token(0), " ");
  EXPECT_EQ(tok->token(1), encode_utf8(0x1100));
  EXPECT_EQ(tok->token(6), encode_utf8(0x11AF));
  EXPECT_EQ(tok->find(encode_utf8(0x1173)), 4);
  EXPECT_EQ(tok->find("한"), -1);
  const auto j = tok->to_json();
  EXPECT_EQ(j, (nlohmann::json{{"type", "jamo"},
                               {"tokens", {" ", encode_utf8(0x1100), encode_utf8(0x1112), encode_utf8(0x1161),
                                           encode_utf8(0x1173), encode_utf8(0x11AB), encode_utf8(0x11AF)}}}));
  auto back = jamo_tokenizer_from_json(j, "tokenizer.json");
  EXPECT_EQ(back->to_json(), j);
  EXPECT_EQ(back->encode("글한", ""), tok->encode("글한", ""));
}

TEST(Jamo, StrayConjoiningJamoRoundTrip) {
  // NFC text: a lone leading jamo, LVT + a second trailing jamo, a lone vowel, an archaic
  // jamo, a leading jamo before an archaic vowel (which never composes), compatibility jamo.
  const std::string text = "ᄀ 각ᆨ ᅡ ᄒ ᅀ ᄀᅶ ㄱ ᆫ ᄀ가\n";
  auto tok = JamoTokenizer::fit({text});
  EXPECT_EQ(tok->decode(tok->encode(text, "")), text);
  EXPECT_EQ(stream(*tok, text), text);
}

TEST(Jamo, RejectsTextThatIsNotNfc) {
  auto tok = JamoTokenizer::fit({"가각각"[0] == 0 ? "" : "가 각 ᆨ"});
  // U+1100 U+1161 would come back as 가; 가 + U+11A8 as 각.
  try {
    tok->encode("ok\nx\xE1\x84\x80\xE1\x85\xA1", "in.txt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("in.txt:2:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NFC"), std::string::npos) << e.what();
  }
  EXPECT_THROW(tok->encode("가\xE1\x86\xA8", ""), InputError);
  EXPECT_THROW(JamoTokenizer::fit({"가\xE1\x86\xA8"}), InputError);
}

TEST(Jamo, UnknownSymbolIsAnErrorNamingIt) {
  auto tok = JamoTokenizer::fit({"한\n글"});
  try {
    tok->encode("한\n글x", "eval.txt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("eval.txt:2:2:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"x\" (U+0078)"), std::string::npos) << e.what();
  }
  try {
    tok->encode("\t", "");
    FAIL();
  } catch (const InputError& e) {  // a control character is named by its number only
    EXPECT_EQ(std::string(e.what()).rfind("unknown symbol U+0009", 0), 0u) << e.what();
  }
  EXPECT_THROW(JamoTokenizer::fit({""}), InputError);
}

TEST(JamoStream, HoldsBackUntilTheSyllableIsComplete) {
  auto tok = JamoTokenizer::fit({"한글 가"});
  auto id = [&](char32_t c) { return tok->find(encode_utf8(c)); };
  auto dec = tok->stream_decoder();
  EXPECT_EQ(dec->push(id(0x1112)), "");
  EXPECT_EQ(dec->push(id(0x1161)), "");  // 하 may still take a final consonant
  EXPECT_EQ(dec->push(id(0x11AB)), "한");
  EXPECT_EQ(dec->push(id(0x1100)), "");
  EXPECT_EQ(dec->push(id(0x1173)), "");
  EXPECT_EQ(dec->push(id(U' ')), "그 ");
  EXPECT_EQ(dec->push(id(0x1100)), "");
  EXPECT_EQ(dec->push(id(0x1100)), "\xE1\x84\x80");  // no vowel came: the lone jamo as it is
  EXPECT_EQ(dec->flush(), "ㄱ");  // a dangling initial shows as compatibility jamo
  EXPECT_EQ(dec->flush(), "");
  // decode() stays exact: the same ids end with the conjoining jamo itself.
  EXPECT_EQ(tok->decode({id(0x1100)}), "\xE1\x84\x80");
  auto dec2 = tok->stream_decoder();
  dec2->push(id(0x1100));
  dec2->push(id(0x1161));
  EXPECT_EQ(dec2->flush(), "가");
}

TEST(Jamo, KoCoNovelSampleRoundTrips) {
  const auto text = testing::read_file_if_present(testing::test_data_path("koconovel_sample.txt"));
  ASSERT_TRUE(text.has_value());
  auto tok = JamoTokenizer::fit({*text});
  EXPECT_LT(tok->vocab_size(), 150);
  const auto ids = tok->encode(*text, "koconovel_sample.txt");
  EXPECT_EQ(tok->decode(ids), *text);
  EXPECT_EQ(stream(*tok, *text), *text);
}

TEST(Jamo, WholeKoCoNovelCorpusRoundTrips) {
  const auto path = testing::shared_data_path("korean/koconovel/koconovel_50_novels.txt");
  const auto text = testing::read_file_if_present(path);
  if (!text) GTEST_SKIP() << path << " is absent (shared data not checked out beside the repo)";
  auto tok = JamoTokenizer::fit({*text});
  const auto ids = tok->encode(*text, path);
  EXPECT_EQ(tok->decode(ids), *text);
  auto dec = tok->stream_decoder();
  std::string out;
  for (int32_t id : ids) out += dec->push(id);
  EXPECT_EQ(out + dec->flush(), *text);
}

}  // namespace
}  // namespace rnngen::text
