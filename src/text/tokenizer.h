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
