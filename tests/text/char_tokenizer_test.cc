// The char tokenizer and tokenizer.json: vocabulary order, encode/decode, unknown-character
// messages, and every validation load_tokenizer makes.
#include "text/char_tokenizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rnngen/error.h"
#include "temp_dir.h"
#include "text/tokenizer.h"

namespace rnngen::text {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

std::vector<std::string> tokens_of(const Tokenizer& t) {
  std::vector<std::string> out;
  for (int i = 0; i < t.vocab_size(); ++i) out.push_back(t.token(i));
  return out;
}

TEST(CharTokenizer, VocabularyIsDistinctCodePointsInCodePointOrder) {
  CharTokenizer t = CharTokenizer::build("hello world\n");
  EXPECT_EQ(t.type(), "char");
  EXPECT_EQ(tokens_of(t),
            (std::vector<std::string>{"\n", " ", "d", "e", "h", "l", "o", "r", "w"}));
}

TEST(CharTokenizer, MultiByteCharsAreOneTokenEach) {
  // U+00E9 (2 bytes), U+AC00 (3 bytes), U+1F600 (4 bytes).
  CharTokenizer t = CharTokenizer::build("\xf0\x9f\x98\x80" "b\xea\xb0\x80" "a\xc3\xa9" "a");
  EXPECT_EQ(tokens_of(t), (std::vector<std::string>{"a", "b", "\xc3\xa9", "\xea\xb0\x80",
                                                    "\xf0\x9f\x98\x80"}));
  EXPECT_EQ(uint32_t(t.code_point(4)), 0x1F600u);
}

TEST(CharTokenizer, EncodeDecodeRoundTrip) {
  const std::string text = "na\xc3\xafve caf\xc3\xa9\n\xf0\x9f\x98\x80!\n";
  CharTokenizer t = CharTokenizer::build(text);
  std::vector<int32_t> ids = t.encode(text, "t");
  EXPECT_EQ(ids.size(), 14u);  // code points, not bytes
  EXPECT_EQ(t.decode(ids), text);
  auto dec = t.stream_decoder();
  std::string streamed;
  for (int32_t id : ids) streamed += dec->push(id);
  EXPECT_EQ(dec->flush(), "");
  EXPECT_EQ(streamed, text);
}

TEST(CharTokenizer, StreamDecoderOutlivesTheTokenizer) {
  std::unique_ptr<StreamDecoder> dec;
  {
    CharTokenizer t = CharTokenizer::build("xy");
    dec = t.stream_decoder();
  }
  EXPECT_EQ(dec->push(1), "y");
}

TEST(CharTokenizer, UnknownCharacterNamesFileLineColumnAndChar) {
  CharTokenizer t = CharTokenizer::build("abc\n");
  EXPECT_EQ(error_of<InputError>([&] { t.encode("abc\nbaz\n", "val.txt"); }),
            "val.txt:2:3: character 'z' (U+007A) is not in the model's vocabulary");
}

TEST(CharTokenizer, ListsAllDistinctUnknownCharacters) {
  CharTokenizer t = CharTokenizer::build("abc");
  EXPECT_EQ(error_of<InputError>([&] { t.encode("ab\xc3\xa9\nz\xc3\xa9\tz", "in.txt"); }),
            "in.txt:1:3: character '\xc3\xa9' (U+00E9) is not in the model's vocabulary "
            "(4 unknown characters; also '\\n' (U+000A) at 1:4, 'z' (U+007A) at 2:1, "
            "'\\t' (U+0009) at 2:3)");
}

TEST(CharTokenizer, LongListOfUnknownsIsCut) {
  CharTokenizer t = CharTokenizer::build("a");
  std::string msg = error_of<InputError>([&] { t.encode("bcdefghijklmnop", "s"); });
  EXPECT_NE(msg.find("(15 unknown characters; also"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'k' (U+006B) at 1:10, ...)"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("'l'"), std::string::npos) << msg;
}

TEST(CharTokenizer, EncodeRejectsInvalidUtf8WithOffset) {
  CharTokenizer t = CharTokenizer::build("ab");
  std::string msg = error_of<InputError>([&] { t.encode("ab\xc0\x80", "x.txt"); });
  EXPECT_TRUE(msg.starts_with("x.txt: invalid UTF-8 at byte offset 2")) << msg;
}

TEST(CharTokenizer, BuildRejectsEmptyAndInvalidText) {
  EXPECT_THROW(CharTokenizer::build(""), InputError);
  EXPECT_THROW(CharTokenizer::build("a\xff"), InputError);
}

TEST(CharTokenizer, FindAndTokenLookups) {
  CharTokenizer t = CharTokenizer::build("ab\xc3\xa9");
  EXPECT_EQ(t.find("\xc3\xa9"), 2);
  EXPECT_EQ(t.find("a"), 0);
  EXPECT_EQ(t.find("z"), -1);
  EXPECT_EQ(t.find("ab"), -1);
  EXPECT_EQ(t.find(""), -1);
  EXPECT_EQ(t.find("\xc3"), -1);
  EXPECT_EQ(t.token(2), "\xc3\xa9");
  EXPECT_THROW(t.token(3), InputError);
  EXPECT_THROW(t.token(-1), InputError);
  EXPECT_THROW(t.stream_decoder()->push(7), InputError);
  EXPECT_THROW(t.decode({0, 99}), InputError);
}

TEST(CharTokenizer, ToJsonIsTheContractsShape) {
  CharTokenizer t = CharTokenizer::build("b\na");
  EXPECT_EQ(t.to_json(), nlohmann::json::parse(R"({"type":"char","tokens":["\n","a","b"],"unk":null})"));
}

TEST(TokenizerFile, SaveWritesTypeFirstAndLoadsBack) {
  TempDir dir;
  const std::string text = "say \"hi\"\\\t\x01\xc3\xa9\n";
  CharTokenizer t = CharTokenizer::build(text);
  const std::string path = dir.file("tokenizer.json");
  save_tokenizer(t, path);
  const std::string saved = TempDir::read(path);
  EXPECT_TRUE(saved.starts_with("{\n  \"type\": \"char\",\n  \"tokens\": [\n")) << saved;
  EXPECT_NE(saved.find("\"unk\": null"), std::string::npos) << saved;
  auto loaded = load_tokenizer(path);
  EXPECT_EQ(loaded->type(), "char");
  EXPECT_EQ(tokens_of(*loaded), tokens_of(t));
  EXPECT_EQ(loaded->encode(text, "t"), t.encode(text, "t"));
}

TEST(TokenizerFile, LoadsHandWrittenFileKeepingItsOrder) {
  TempDir dir;
  // Ids follow the file, even unsorted (a tokenizer.json written by another tool).
  auto t = load_tokenizer(dir.write(
      "tokenizer.json", R"({"type": "char", "tokens": ["z", "\n", " ", "\u00e9"], "unk": null})"));
  EXPECT_EQ(t->vocab_size(), 4);
  EXPECT_EQ(t->encode("z \xc3\xa9\n", "s"), (std::vector<int32_t>{0, 2, 3, 1}));
  EXPECT_EQ(t->find("\xc3\xa9"), 3);
}

TEST(TokenizerFile, UnkTokenAbsorbsUnknownCharacters) {
  TempDir dir;
  auto t = load_tokenizer(
      dir.write("tokenizer.json", R"({"type": "char", "tokens": ["a", "?"], "unk": "?"})"));
  EXPECT_EQ(t->encode("abca", "s"), (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(t->to_json()["unk"], "?");
}

TEST(TokenizerFile, MissingUnkKeyMeansNone) {
  TempDir dir;
  auto t = load_tokenizer(dir.write("tokenizer.json", R"({"type": "char", "tokens": ["a"]})"));
  EXPECT_THROW(t->encode("b", "s"), InputError);
}

struct BadTokenizer {
  const char* label;
  std::string text;
  std::string expected;  // substring after "PATH"
};

void PrintTo(const BadTokenizer& c, std::ostream* os) { *os << c.label; }

class TokenizerFileBad : public ::testing::TestWithParam<BadTokenizer> {};

TEST_P(TokenizerFileBad, IsAnInputErrorNamingFileAndProblem) {
  TempDir dir;
  const std::string path = dir.write("tokenizer.json", GetParam().text);
  std::string msg = error_of<InputError>([&] { load_tokenizer(path); });
  EXPECT_TRUE(msg.starts_with(path)) << msg;
  EXPECT_NE(msg.find(GetParam().expected), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    EveryCheck, TokenizerFileBad,
    ::testing::Values(
        BadTokenizer{"not_json", "{\"type\": \"char\",", ": not valid JSON: parse error at line 1"},
        BadTokenizer{"not_object", "[\"a\"]", ": expected a JSON object, got array"},
        BadTokenizer{"no_type", R"({"tokens": ["a"]})", ": missing key \"type\""},
        BadTokenizer{"type_number", R"({"type": 1, "tokens": ["a"]})",
                     ": key \"type\" must be a string, got integer"},
        BadTokenizer{"unknown_type", R"({"type": "bpe2", "tokens": ["a"]})",
                     ": unknown tokenizer type \"bpe2\" (known: char"},
        BadTokenizer{"no_tokens", R"({"type": "char"})", ": missing key \"tokens\""},
        BadTokenizer{"tokens_object", R"({"type": "char", "tokens": {"a": 0}})",
                     ": key \"tokens\" must be an array of strings, got object"},
        BadTokenizer{"tokens_empty", R"({"type": "char", "tokens": []})",
                     ": key \"tokens\" is empty"},
        BadTokenizer{"token_number", R"({"type": "char", "tokens": ["a", 5]})",
                     ": tokens[1] must be a string, got integer"},
        BadTokenizer{"token_two_chars", R"({"type": "char", "tokens": ["a", "bc"]})",
                     ": tokens[1] \"bc\" is 2 code points; a char token is exactly one"},
        BadTokenizer{"token_decomposed", R"({"type": "char", "tokens": ["e\u0301"]})",
                     ": tokens[0] \"e\xcc\x81\" is 2 code points"},
        BadTokenizer{"token_empty", R"({"type": "char", "tokens": ["a", ""]})",
                     ": tokens[1] \"\" is 0 code points"},
        BadTokenizer{"token_duplicate", R"({"type": "char", "tokens": ["a", "\n", "b", "\n"]})",
                     ": tokens[3] '\\n' (U+000A) duplicates tokens[1]"},
        BadTokenizer{"unk_not_token", R"({"type": "char", "tokens": ["a"], "unk": "?"})",
                     ": key \"unk\" \"?\" is not one of the tokens"},
        BadTokenizer{"unk_number", R"({"type": "char", "tokens": ["a"], "unk": 0})",
                     ": key \"unk\" must be null or a token, got integer"},
        BadTokenizer{"surrogate_escape", R"({"type": "char", "tokens": ["\ud800"]})",
                     ": not valid JSON"}),
    [](const ::testing::TestParamInfo<BadTokenizer>& info) {
      return std::string(info.param.label);
    });

TEST(TokenizerFile, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("tokenizer.json");
  EXPECT_EQ(error_of<InputError>([&] { load_tokenizer(path); }),
            "cannot read " + path + ": No such file or directory");
}

}  // namespace
}  // namespace rnngen::text
