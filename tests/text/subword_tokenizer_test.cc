// SentencePiece subword tokenizer: training in memory, exact round trips, a streaming decoder
// that never splits a character, and a self-contained tokenizer.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "rnngen/error.h"
#include "text/subword_tokenizer.h"
#include "text/test_files.h"

namespace rnngen::text {
namespace {

std::string sample() {
  const auto text = testing::read_file_if_present(testing::test_data_path("alice_sample.txt"));
  EXPECT_TRUE(text.has_value());
  return text.value_or("");
}

std::string stream(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  auto dec = tok.stream_decoder();
  std::string out;
  for (int32_t id : ids) out += dec->push(id);
  return out + dec->flush();
}

class SubwordTokenizerTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SubwordTokenizerTest, TrainsAndRoundTripsExactly) {
  const std::string text = sample();
  const auto files_before = std::distance(std::filesystem::directory_iterator("."), {});
  SubwordOptions opts;
  opts.model_type = GetParam();
  opts.vocab_size = 400;
  auto tok = SubwordTokenizer::train({text}, opts);
  // Training left no files in the working directory.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator("."), {}), files_before);
  EXPECT_EQ(tok->vocab_size(), 400);
  EXPECT_EQ(tok->type(), "subword");

  const auto ids = tok->encode(text, "alice_sample.txt");
  // Pieces are longer than characters, even with 256 of the 400 ids spent on byte pieces.
  EXPECT_LT(ids.size(), text.size() * 3 / 4);
  EXPECT_EQ(tok->decode(ids), text);
  EXPECT_EQ(stream(*tok, ids), text);

  // Text the model never saw: spaces runs, tabs, CRLF, Hangul, control bytes, a literal U+2581.
  const std::string odd = "  Alice\t said\r\n\n한국어 \x01 x\xE2\x96\x81y \xE2\x96\x81\n end";
  const auto odd_ids = tok->encode(odd, "");
  EXPECT_EQ(tok->decode(odd_ids), odd);
  EXPECT_EQ(stream(*tok, odd_ids), odd);
}

INSTANTIATE_TEST_SUITE_P(ModelTypes, SubwordTokenizerTest, ::testing::Values("unigram", "bpe"));

TEST(SubwordTokenizer, StreamDecoderHoldsBackPartialCharacters) {
  SubwordOptions opts;
  opts.vocab_size = 400;
  auto tok = SubwordTokenizer::train({sample()}, opts);
  const auto ids = tok->encode("한", "");  // unseen: three byte pieces
  ASSERT_EQ(ids.size(), 3u);
  auto dec = tok->stream_decoder();
  EXPECT_EQ(dec->push(ids[0]), "");
  EXPECT_EQ(dec->push(ids[1]), "");
  EXPECT_EQ(dec->push(ids[2]), "한");
  // A character cut off at the end, or a stray byte, comes out as U+FFFD, never as bad UTF-8.
  auto dec2 = tok->stream_decoder();
  EXPECT_EQ(dec2->push(ids[0]), "");
  EXPECT_EQ(dec2->flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(tok->decode({ids[1], tok->find("a")}), "\xEF\xBF\xBD" "a");
}

TEST(SubwordTokenizer, JsonKeepsTheModel) {
  SubwordOptions opts;
  opts.model_type = "bpe";
  opts.vocab_size = 350;
  auto tok = SubwordTokenizer::train({sample()}, opts);
  const auto j = tok->to_json();
  EXPECT_EQ(j["type"], "subword");
  EXPECT_EQ(j["model_type"], "bpe");
  EXPECT_EQ(j["vocab_size"], 350);
  EXPECT_EQ(j["tokens"].size(), 350u);
  EXPECT_EQ(j["tokens"][0], "<unk>");
  ASSERT_TRUE(j["model"].is_string());

  const auto text = "Alice was beginning to get very tired.\n";
  auto back = subword_tokenizer_from_json(nlohmann::json::parse(j.dump()), "tokenizer.json");
  EXPECT_EQ(back->encode(text, ""), tok->encode(text, ""));
  EXPECT_EQ(back->to_json(), j);
  EXPECT_EQ(back->find(back->token(42)), 42);
  EXPECT_EQ(back->find("no such piece"), -1);

  auto broken = j;
  broken["model"] = "not base64!";
  EXPECT_THROW(subword_tokenizer_from_json(broken, "tokenizer.json"), InputError);
  broken["model"] = "AAAA";
  EXPECT_THROW(subword_tokenizer_from_json(broken, "tokenizer.json"), InputError);
  broken = j;
  broken["tokens"][5] = "zzz";
  EXPECT_THROW(subword_tokenizer_from_json(broken, "tokenizer.json"), InputError);
}

TEST(SubwordTokenizer, BadSettingsAreInputErrors) {
  SubwordOptions opts;
  // SentencePiece's refusals, in rnngen's flags: the bound it gives, and no flag we lack.
  const auto message = [&] {
    try {
      SubwordTokenizer::train({sample()}, opts);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  opts.vocab_size = 40;  // fewer than the characters plus 256 byte pieces
  std::string m = message();
  EXPECT_EQ(m.rfind("--vocab-size 40 is too small for this text", 0), 0u) << m;
  EXPECT_NE(m.find(" or more"), std::string::npos) << m;
  EXPECT_EQ(m.find("character_coverage"), std::string::npos) << m;
  opts.vocab_size = 100000;  // more pieces than the text can give
  m = message();
  EXPECT_EQ(m.rfind("--vocab-size 100000 is more pieces than SentencePiece finds in this text (at most ", 0), 0u) << m;
  // The bound it names is one that trains.
  const size_t at = m.find("at most ") + 8;
  opts.vocab_size = std::stoi(m.substr(at));
  EXPECT_NO_THROW(SubwordTokenizer::train({sample()}, opts)) << m;
  opts.vocab_size = 400;
  opts.model_type = "wordpiece";
  EXPECT_THROW(SubwordTokenizer::train({sample()}, opts), InputError);
}

TEST(SubwordTokenizer, SameSeedSameModel) {
  SubwordOptions opts;
  opts.vocab_size = 400;
  auto a = SubwordTokenizer::train({sample()}, opts);
  auto b = SubwordTokenizer::train({sample()}, opts);
  EXPECT_EQ(a->to_json(), b->to_json());
}

}  // namespace
}  // namespace rnngen::text
