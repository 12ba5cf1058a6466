// How text becomes token ids and back. One subclass per tokenizer type (char, word, jamo,
// subword); tokenizer.json holds {"type": ..., ...} and load_tokenizer dispatches on "type".
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace rnngen::text {

// Turns a stream of ids back into UTF-8 as they are generated. push() returns the text that
// is final after this id (possibly empty: a jamo tokenizer holds back a half-built syllable);
// flush() returns whatever is still held back. Output is always valid UTF-8.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  virtual std::string push(int32_t id) = 0;
  virtual std::string flush() = 0;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string type() const = 0;
  virtual int vocab_size() const = 0;
  // text: valid UTF-8, already NFC-normalised. source names the text in error messages
  // (a file name); an unknown symbol is an InputError naming it and its line:column.
  virtual std::vector<int32_t> encode(std::string_view text, const std::string& source) const = 0;
  // encode() for held-out validation text, where a word tokenizer (without an oov token)
  // leaves out and counts in `unknown` the words its vocabulary lacks: a vocabulary is a
  // statistic of the training part. The others encode(): for them an unknown symbol stays
  // an error.
  virtual std::vector<int32_t> encode_known(std::string_view text, const std::string& source,
                                            size_t& unknown) const {
    (void)unknown;
    return encode(text, source);
  }
  // encode() for text the model is to continue (a --prime): no end-of-line token is added
  // after a last line that has no newline. Only ptb-style words add one, so this is encode()
  // for every other tokenizer.
  virtual std::vector<int32_t> encode_prefix(std::string_view text, const std::string& source) const {
    return encode(text, source);
  }
  // How many code points at the start of `text` its first token accounts for entirely; `ids`
  // is encode(text). Scoring predicts tokens 1..N-1 from token 0, so these characters are
  // given, not predicted, and bits per character divides by the code points after them. The
  // default is for tokenizers whose first token decodes to a prefix of the text; a first token
  // that stands for only part of a character (a jamo of a syllable, one byte of a multi-byte
  // character) accounts for no whole character.
  virtual size_t first_token_chars(std::string_view text, const std::vector<int32_t>& ids,
                                   const std::string& source) const;
  // The token whose next-token distribution is that of the start of a line: "\n" for text
  // tokenizers, "<eos>" for ptb words; -1 when there is none (keras words, whose lines in
  // training start from a zero state with an unpredicted first word).
  virtual int32_t line_start_token() const { return find("\n"); }
  virtual std::string decode(const std::vector<int32_t>& ids) const;
  virtual std::unique_ptr<StreamDecoder> stream_decoder() const = 0;
  // The surface text of one token, for listings and --skip-tokens.
  virtual std::string token(int32_t id) const = 0;
  // Id of a token given by its surface text, or -1.
  virtual int32_t find(std::string_view token) const = 0;
  virtual nlohmann::json to_json() const = 0;
};

// Reads and validates tokenizer.json (InputError naming the file and what is wrong).
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path);
// Writes tokenizer.json atomically.
void save_tokenizer(const Tokenizer& tok, const std::string& path);

}  // namespace rnngen::text
