// Word-level tokenizer in two styles (see word_split.h for how text is cut into words).
//
// keras: keras_preprocessing.text.Tokenizer. Ids are Keras's word_index: 1, 2, ... by
//   descending count, ties in order of first appearance (Python's stable sort); the
//   oov_token, when set, takes id 1. Id 0 is Keras's reserved padding index, kept here as
//   the token "<pad>" so that ids match Keras exactly; it is never produced by encode.
//   num_words: like texts_to_sequences, only ids < num_words are used; a known word with a
//   larger id becomes the oov_token or, without one, is dropped. The full word index is kept
//   (and saved), but vocab_size() is min(num_words, tokens) since larger ids never occur.
// ptb: ids in order of first appearance, "<eos>" included, exactly as PyTorch's
//   word_language_model Dictionary builds them; no padding id. "<unk>" is an ordinary word.
//
// Keras drops unknown words silently; here, without an oov_token, an unknown word is an
// InputError naming it, since silently shortening a text would skew eval.
//
// tokenizer.json:
//   {"type": "word", "style": "keras", "tokens": ["<pad>", ...] (id order), "lower": true,
//    "filters": "...", "split": " ", "num_words": null|N, "oov_token": null|"..."}
//   {"type": "word", "style": "ptb", "tokens": [...], "eos_token": "<eos>",
//    "oov_token": null|"..."}
#pragma once
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/tokenizer.h"
#include "text/word_split.h"

namespace rnngen::text {

inline constexpr std::string_view kKerasFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";
inline constexpr std::string_view kKerasPadToken = "<pad>";
inline constexpr std::string_view kPtbEosToken = "<eos>";

enum class WordStyle { keras, ptb };

struct WordTokenizerOptions {
  WordStyle style = WordStyle::keras;
  // keras style only:
  bool lower = true;
  std::string filters{kKerasFilters};
  std::string split = " ";
  std::optional<int> num_words;  // must be >= 1 when set; 0 is an InputError
  // both styles: unknown words (and, keras, words with id >= num_words) become this token.
  // ptb: it gets the next free id when the training text does not contain it.
  std::optional<std::string> oov_token;
};

// "keras" | "ptb" -> WordStyle; anything else is an InputError.
WordStyle parse_word_style(const std::string& name);

class WordTokenizer final : public Tokenizer {
 public:
  // Builds the vocabulary from the training texts, in order (Keras fit_on_texts). An empty
  // vocabulary or an impossible option is an InputError; source names the texts in messages.
  static std::unique_ptr<WordTokenizer> fit(const std::vector<std::string_view>& texts,
                                            const WordTokenizerOptions& options,
                                            const std::string& source = "");
  // From an existing id-ordered token list (tokenizer.json).
  WordTokenizer(std::vector<std::string> tokens, WordTokenizerOptions options);

  std::string type() const override { return "word"; }
  int vocab_size() const override;
  std::vector<int32_t> encode(std::string_view text, const std::string& source) const override;
  // encode, except that a word the vocabulary lacks (with no oov_token) is left out, as Keras's
  // texts_to_sequences leaves it out, and counted in `unknown`: for validation text, which a
  // vocabulary built from the training part alone cannot be expected to cover.
  std::vector<int32_t> encode_known(std::string_view text, const std::string& source,
                                    size_t& unknown) const override;
  // ptb: without the "<eos>" that encode adds after a last line with no newline, so a prime
  // "the meaning of life is" is continued, not ended.
  std::vector<int32_t> encode_prefix(std::string_view text, const std::string& source) const override;
  // The code points up to the end of the first word that becomes a token (leading spaces and
  // filtered characters included): decoding is lossy, so this counts in the original text.
  size_t first_token_chars(std::string_view text, const std::vector<int32_t>& ids,
                           const std::string& source) const override;
  // ptb: "<eos>"; keras: -1 (no token stands for a line start).
  int32_t line_start_token() const override { return eos_id_; }
  // Words joined by one space; ptb: "<eos>" becomes "\n" (no space around it); keras: the
  // padding id is skipped.
  std::string decode(const std::vector<int32_t>& ids) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  std::string token(int32_t id) const override;
  int32_t find(std::string_view token) const override;
  nlohmann::json to_json() const override;

  // The words of text as this tokenizer cuts them (Keras text_to_word_sequence).
  std::vector<Word> words(std::string_view text, const std::string& source) const;
  const WordTokenizerOptions& options() const { return options_; }
  // The whole word index, id order, including ids >= num_words.
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  // The id encode gives w, or -1 when encode drops it (a known word beyond num_words with no
  // oov_token); an unknown word with no oov_token is an InputError naming it.
  // With skip_unknown, an unknown word is -1 too.
  int32_t id_of(const Word& w, std::string_view text, const std::string& source, bool skip_unknown = false) const;

  std::vector<std::string> tokens_;
  WordTokenizerOptions options_;
  std::unordered_map<std::string, int32_t> ids_;
  int32_t oov_id_ = -1;
  int32_t eos_id_ = -1;  // ptb only
};

// Builds a WordTokenizer from tokenizer.json contents; InputError naming path and the key.
std::unique_ptr<Tokenizer> word_tokenizer_from_json(const nlohmann::json& json,
                                                    const std::string& path);

}  // namespace rnngen::text
