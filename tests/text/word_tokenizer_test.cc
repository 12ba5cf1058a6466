// The word tokenizer against Keras's Tokenizer (values worked out from keras_preprocessing's
// text.py: fit_on_texts, texts_to_sequences, text_to_word_sequence) and PyTorch's
// word_language_model reading of PTB.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rnngen/error.h"
#include "temp_dir.h"
#include "text/test_files.h"
#include "text/word_tokenizer.h"

namespace rnngen::text {
namespace {

using Ids = std::vector<int32_t>;

std::vector<std::string> texts_of(const std::vector<Word>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.text);
  return out;
}

WordTokenizerOptions keras() { return {}; }
WordTokenizerOptions ptb() {
  WordTokenizerOptions o;
  o.style = WordStyle::ptb;
  return o;
}

const char* kKorean = "경마장에 있는 말이 뛰고 있다\n그의 말이 법이다\n가는 말이 고와야 오는 말이 곱다";
const char* kEnglish =
    "The cat sat on the mat.\nThe dog, the DOG! ate my homework?\nIt's a dog's life -- isn't it?\n";

TEST(KerasWords, FollowsTextToWordSequence) {
  KerasSplitOptions o{true, std::string(kKerasFilters), " "};
  EXPECT_EQ(texts_of(keras_words("Hello, World!  It's\tme.", o, "")),
            (std::vector<std::string>{"hello", "world", "it's", "me"}));
  // '\r' is not a filter: it stays inside the word, as in Keras.
  EXPECT_EQ(texts_of(keras_words("a--b\tc\r\nd  e", o, "")),
            (std::vector<std::string>{"a", "b", "c\r", "d", "e"}));
  // A multi-character split string: filters become it, then str.split(split).
  KerasSplitOptions dash{true, "-", "--"};
  EXPECT_EQ(texts_of(keras_words("a--b c", dash, "")), (std::vector<std::string>{"a", "b c"}));
  // Without '\n' among the filters it stays inside words, across lines, as in Keras.
  KerasSplitOptions no_filters{true, "", " "};
  EXPECT_EQ(texts_of(keras_words("A b\nC d", no_filters, "")),
            (std::vector<std::string>{"a", "b\nc", "d"}));
  // Invalid UTF-8 is named by its byte offset in the whole text.
  try {
    keras_words("ok\nfine \xFF", o, "in.txt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("byte offset 8"), std::string::npos) << e.what();
  }
  KerasSplitOptions keep_case{false, std::string(kKerasFilters), " "};
  EXPECT_EQ(texts_of(keras_words("The DOG.", keep_case, "")),
            (std::vector<std::string>{"The", "DOG"}));
}

TEST(KerasWords, LowerCasesLikePython) {
  KerasSplitOptions o{true, std::string(kKerasFilters), " "};
  // str.lower(): final sigma in context, and İ -> i + U+0307.
  EXPECT_EQ(texts_of(keras_words("ΟΔΟΣ. İstanbul ΣΑΣ Σ", o, "")),
            (std::vector<std::string>{"οδος", "i\u0307stanbul", "σας", "σ"}));
}

TEST(KerasWords, RemembersWhereEachWordStarts) {
  KerasSplitOptions o{true, std::string(kKerasFilters), " "};
  const auto words = keras_words("ab, \xEA\xB0\x80\xEB\x82\x98 c", o, "");
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0].offset, 0u);
  EXPECT_EQ(words[1].offset, 4u);
  EXPECT_EQ(words[2].offset, 11u);
}

TEST(WordTokenizerKeras, KoreanWordIndexMatchesKeras) {
  auto tok = WordTokenizer::fit({kKorean}, keras());
  // Keras: {'말이': 1, '경마장에': 2, '있는': 3, '뛰고': 4, '있다': 5, '그의': 6, '법이다': 7,
  //         '가는': 8, '고와야': 9, '오는': 10, '곱다': 11}; vocab_size = len(word_index) + 1.
  const std::vector<std::string> expected = {"<pad>", "말이", "경마장에", "있는", "뛰고", "있다",
                                             "그의", "법이다", "가는", "고와야", "오는", "곱다"};
  EXPECT_EQ(tok->tokens(), expected);
  EXPECT_EQ(tok->vocab_size(), 12);
  EXPECT_EQ(tok->encode("경마장에 있는 말이 뛰고 있다", ""), (Ids{2, 3, 1, 4, 5}));
  EXPECT_EQ(tok->encode(kKorean, "").size(), 14u);
  EXPECT_EQ(tok->find("곱다"), 11);
  EXPECT_EQ(tok->find("없다"), -1);
  EXPECT_EQ(tok->token(0), "<pad>");
}

TEST(WordTokenizerKeras, EnglishOrderByCountThenFirstAppearance) {
  auto tok = WordTokenizer::fit({kEnglish}, keras());
  // Keras: {'the': 1, 'dog': 2, 'cat': 3, 'sat': 4, 'on': 5, 'mat': 6, 'ate': 7, 'my': 8,
  //   'homework': 9, "it's": 10, 'a': 11, "dog's": 12, 'life': 13, "isn't": 14, 'it': 15}
  const std::vector<std::string> expected = {"<pad>", "the",  "dog",      "cat",  "sat",
                                             "on",    "mat",  "ate",      "my",   "homework",
                                             "it's",  "a",    "dog's",    "life", "isn't",
                                             "it"};
  EXPECT_EQ(tok->tokens(), expected);
  EXPECT_EQ(tok->encode("The dog ate the mat", ""), (Ids{1, 2, 7, 1, 6}));
}

TEST(WordTokenizerKeras, FittingSeveralTextsCountsThemInOrder) {
  auto one = WordTokenizer::fit({kEnglish}, keras());
  auto split = WordTokenizer::fit({"The cat sat on the mat.", "The dog, the DOG! ate my homework?",
                                   "It's a dog's life -- isn't it?"},
                                  keras());
  EXPECT_EQ(one->tokens(), split->tokens());
}

TEST(WordTokenizerKeras, NumWordsDropsRareWordsLikeTextsToSequences) {
  auto opts = keras();
  opts.num_words = 4;
  auto tok = WordTokenizer::fit({kEnglish}, opts);
  EXPECT_EQ(tok->vocab_size(), 4);
  EXPECT_EQ(tok->tokens().size(), 16u);  // the full word index is kept, as in Keras
  // Keras: texts_to_sequences(["The dog ate my cat."]) == [[1, 2, 3]]
  EXPECT_EQ(tok->encode("The dog ate my cat.", ""), (Ids{1, 2, 3}));
  // Unknown words are still an error (Keras would drop them silently).
  EXPECT_THROW(tok->encode("the zebra", ""), InputError);
}

TEST(WordTokenizerKeras, OovTokenTakesIdOne) {
  auto opts = keras();
  opts.oov_token = "<OOV>";
  opts.num_words = 5;
  auto tok = WordTokenizer::fit({kEnglish}, opts);
  // Keras: word_index {'<OOV>': 1, 'the': 2, 'dog': 3, 'cat': 4, ...};
  // texts_to_sequences(["The zebra ate my cat."]) == [[2, 1, 1, 1, 4]]
  EXPECT_EQ(tok->token(1), "<OOV>");
  EXPECT_EQ(tok->token(2), "the");
  EXPECT_EQ(tok->tokens().size(), 17u);
  EXPECT_EQ(tok->encode("The zebra ate my cat.", ""), (Ids{2, 1, 1, 1, 4}));
}

TEST(WordTokenizerKeras, UnknownWordIsAnErrorNamingWordAndPlace) {
  auto tok = WordTokenizer::fit({kEnglish}, keras());
  try {
    tok->encode("the cat\nsat on a zebra!", "valid.txt");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("valid.txt:2:10:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"zebra\""), std::string::npos) << e.what();
  }
  try {
    tok->encode("zebra", "");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("unknown word", 0), 0u) << e.what();  // no place
    EXPECT_NE(std::string(e.what()).find("\"zebra\""), std::string::npos) << e.what();
  }
}

TEST(WordTokenizerKeras, RejectsNumWordsZeroAndEmptyVocabularies) {
  auto opts = keras();
  opts.num_words = 0;
  EXPECT_THROW(WordTokenizer::fit({kEnglish}, opts), InputError);
  opts.num_words = 1;  // only the padding id would remain
  EXPECT_THROW(WordTokenizer::fit({kEnglish}, opts), InputError);
  opts.num_words.reset();
  opts.oov_token = "<OOV>";
  opts.num_words = 2;  // padding and oov only
  EXPECT_THROW(WordTokenizer::fit({kEnglish}, opts), InputError);
  EXPECT_THROW(WordTokenizer::fit({"?! ... --\n"}, keras()), InputError);
  EXPECT_THROW(WordTokenizer::fit({""}, ptb()), InputError);
  auto bad_split = keras();
  bad_split.split = "";
  EXPECT_THROW(WordTokenizer::fit({kEnglish}, bad_split), InputError);
}

TEST(WordTokenizerKeras, StreamDecodingJoinsWithOneSpace) {
  auto tok = WordTokenizer::fit({kEnglish}, keras());
  auto dec = tok->stream_decoder();
  EXPECT_EQ(dec->push(1), "the");
  EXPECT_EQ(dec->push(0), "");  // padding prints nothing
  EXPECT_EQ(dec->push(2), " dog");
  EXPECT_EQ(dec->flush(), "");
  EXPECT_EQ(tok->decode(tok->encode("The dog, ate!", "")), "the dog ate");
}

TEST(WordTokenizerKeras, JsonRoundTrip) {
  auto opts = keras();
  opts.oov_token = "<OOV>";
  opts.num_words = 6;
  auto tok = WordTokenizer::fit({kEnglish}, opts);
  const auto j = tok->to_json();
  EXPECT_EQ(j["type"], "word");
  EXPECT_EQ(j["style"], "keras");
  EXPECT_EQ(j["num_words"], 6);
  EXPECT_EQ(j["oov_token"], "<OOV>");
  EXPECT_EQ(j["filters"], std::string(kKerasFilters));
  auto back = word_tokenizer_from_json(j, "tokenizer.json");
  EXPECT_EQ(back->to_json(), j);
  EXPECT_EQ(back->encode("the zebra ate", ""), tok->encode("the zebra ate", ""));
  EXPECT_EQ(back->vocab_size(), 6);

  auto broken = j;
  broken["tokens"][0] = "the";
  EXPECT_THROW(word_tokenizer_from_json(broken, "tokenizer.json"), InputError);
  broken = j;
  broken.erase("lower");
  try {
    word_tokenizer_from_json(broken, "m/tokenizer.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("m/tokenizer.json: \"lower\""), std::string::npos);
  }
}

const char* kPtb =
    " the company said <unk> shares rose\n"
    " the <unk> fell N %\n"
    " shares rose\n";

TEST(WordTokenizerPtb, IdsInFirstAppearanceOrderWithEos) {
  auto tok = WordTokenizer::fit({kPtb}, ptb());
  const std::vector<std::string> expected = {"the",  "company", "said", "<unk>", "shares",
                                             "rose", "<eos>",   "fell", "N",     "%"};
  EXPECT_EQ(tok->tokens(), expected);
  EXPECT_EQ(tok->vocab_size(), 10);
  EXPECT_EQ(tok->encode(" the <unk> rose\n", ""), (Ids{0, 3, 5, 6}));
  // No lower-casing, no filtering: "The" is another word.
  EXPECT_THROW(tok->encode("The company\n", "x"), InputError);
  // A last line without "\n" still ends with <eos>; an empty line is one <eos>.
  EXPECT_EQ(tok->encode("the\n\nrose", ""), (Ids{0, 6, 6, 5, 6}));
  EXPECT_EQ(tok->encode("", ""), Ids{});
}

TEST(WordTokenizerPtb, StreamDecodingTurnsEosIntoNewline) {
  auto tok = WordTokenizer::fit({kPtb}, ptb());
  EXPECT_EQ(tok->decode(tok->encode(kPtb, "")), "the company said <unk> shares rose\nthe <unk> fell N %\nshares rose\n");
  auto dec = tok->stream_decoder();
  EXPECT_EQ(dec->push(0), "the");
  EXPECT_EQ(dec->push(5), " rose");
  EXPECT_EQ(dec->push(6), "\n");
  EXPECT_EQ(dec->push(4), "shares");
}

TEST(WordTokenizerPtb, OovTokenMapsUnknownWords) {
  auto opts = ptb();
  opts.oov_token = "<unk>";
  auto tok = WordTokenizer::fit({kPtb}, opts);
  EXPECT_EQ(tok->vocab_size(), 10);  // "<unk>" already is a word
  EXPECT_EQ(tok->encode("the zebra\n", ""), (Ids{0, 3, 6}));
  opts.oov_token = "<oov>";
  auto appended = WordTokenizer::fit({kPtb}, opts);
  EXPECT_EQ(appended->vocab_size(), 11);
  EXPECT_EQ(appended->token(10), "<oov>");
  auto back = word_tokenizer_from_json(appended->to_json(), "t.json");
  EXPECT_EQ(back->encode("zebra", ""), (Ids{10, 6}));
  opts.num_words = 5;
  EXPECT_THROW(WordTokenizer::fit({kPtb}, opts), InputError);
}

TEST(WordTokenizerPtb, WholePtbTrainingSetHasTenThousandWords) {
  const auto path = testing::shared_data_path("ptb/ptb.train.txt");
  const auto text = testing::read_file_if_present(path);
  if (!text) GTEST_SKIP() << path << " is absent (shared data not checked out beside the repo)";
  auto tok = WordTokenizer::fit({*text}, ptb());
  EXPECT_EQ(tok->vocab_size(), 10000);
  EXPECT_EQ(tok->encode(*text, "ptb.train.txt").size(), 929589u);
}

}  // namespace
}  // namespace rnngen::text

// What eval needs from word tokenizers: where the first token ends in the original text
// (decoding is lossy), and primes that continue rather than end a line.
namespace rnngen::text {
namespace {

TEST(WordSpans, WordsKnowWhereTheyEndInTheSource) {
  KerasSplitOptions o{true, std::string(kKerasFilters), " "};
  const std::string text = "  \"Héllo,\" World";
  const auto words = keras_words(text, o, "");
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(text.substr(words[0].offset, words[0].end - words[0].offset), "Héllo");
  EXPECT_EQ(text.substr(words[1].offset, words[1].end - words[1].offset), "World");
  const auto ptb_ws = ptb_words(" a bb\n", "<eos>", "");
  ASSERT_EQ(ptb_ws.size(), 3u);
  EXPECT_EQ(ptb_ws[1].offset, 3u);
  EXPECT_EQ(ptb_ws[1].end, 5u);
  EXPECT_EQ(ptb_ws[2].end, 6u);  // "<eos>" stands for the newline
}

TEST(WordSpans, FirstTokenCharsCountTheOriginalText) {
  const std::string train = "The cat sat.\nthe dog\n";
  auto k = WordTokenizer::fit({train}, WordTokenizerOptions{});
  const std::string text = "  \"THE\" cat";  // 2 spaces, quote, THE: 6 code points
  EXPECT_EQ(k->first_token_chars(text, k->encode(text, ""), ""), 6u);
  WordTokenizerOptions po;
  po.style = WordStyle::ptb;
  auto p = WordTokenizer::fit({train}, po);
  const std::string t2 = " the cat\n";
  EXPECT_EQ(p->first_token_chars(t2, p->encode(t2, ""), ""), 4u);
  // An empty first line: the first token is the "<eos>" of that line, one newline.
  EXPECT_EQ(p->first_token_chars("\nthe", p->encode("\nthe", ""), ""), 1u);
}

TEST(WordSpans, DroppedWordsAreSkippedWhenFindingTheFirstToken) {
  WordTokenizerOptions o;
  o.num_words = 2;  // only id 1 ("a") is kept; "b" is known but dropped, as in Keras
  auto k = WordTokenizer::fit({"a a b"}, o);
  const std::string text = "b a";
  EXPECT_EQ(k->encode(text, ""), (Ids{1}));
  EXPECT_EQ(k->first_token_chars(text, k->encode(text, ""), ""), 3u);
}

TEST(WordPrime, PtbPrimeIsContinuedNotEnded) {
  WordTokenizerOptions po;
  po.style = WordStyle::ptb;
  auto p = WordTokenizer::fit({"the meaning of life is\n"}, po);
  const int32_t eos = p->find("<eos>");
  EXPECT_EQ(p->line_start_token(), eos);
  EXPECT_EQ(p->encode("the meaning", "").back(), eos);   // a file's last line ends a sentence
  EXPECT_NE(p->encode_prefix("the meaning", "").back(), eos);
  EXPECT_EQ(p->encode_prefix("the meaning\n", "").back(), eos);
  auto k = WordTokenizer::fit({"a b"}, WordTokenizerOptions{});
  EXPECT_EQ(k->line_start_token(), -1);
  const std::string msg = testing::error_of<InputError>([&] { p->encode_prefix("the zebra", "--prime"); });
  EXPECT_NE(msg.find("--prime:1:5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"zebra\""), std::string::npos) << msg;
}

}  // namespace
}  // namespace rnngen::text
