// Hangul at the level of jamo: every precomposed syllable (U+AC00..U+D7A3) is split into its
// conjoining leading consonant, vowel and optional trailing consonant (U+1100.., U+1161..,
// U+11A8..); every other code point is its own token. Output is recomposed, so a model
// learns ~70 Hangul symbols instead of ~2,000 syllables and still prints ordinary text.
//
// Exact round trip: decode(encode(x)) == x for every text encode accepts. Recomposition
// joins adjacent L+V and LV+T, which is exactly NFC's Hangul composition. A standalone
// conjoining jamo in the input (one that was not part of a syllable) therefore comes back
// unchanged unless it would itself compose with its neighbour -- a leading jamo directly
// followed by a vowel jamo, or an LV syllable directly followed by a trailing jamo -- and
// such text is by definition not NFC. Input is NFC (the pipeline normalises first), so
// rather than escaping, encode rejects those two sequences with an InputError naming their
// line:column; no flag or escape token is needed and the vocabulary stays pure jamo.
//
// Streaming: the decoder holds back a leading jamo until the next token shows whether a vowel
// joins it, and an LV syllable until it shows whether a trailing consonant does, so it never
// prints a half-built syllable. flush() prints a dangling leading consonant as the Hangul
// Compatibility Jamo (U+3131..) a reader expects to see; decode() stays exact and prints the
// conjoining jamo itself.
//
// tokenizer.json: {"type": "jamo", "tokens": [...]}: the distinct code points of the
// decomposed training text, sorted by code point; token id i is tokens[i].
#pragma once
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/code_points.h"
#include "text/tokenizer.h"

namespace rnngen::text {

// Text with its Hangul syllables decomposed; each code point keeps the byte offset of the
// character it came from. The two non-NFC sequences above are an InputError.
std::vector<CodePoint> decompose_hangul(std::string_view text, const std::string& source);

// Recomposes jamo into syllables. With show_dangling_leading, a final leading jamo with no
// vowel is printed as a compatibility jamo (the streaming flush).
class HangulComposer {
 public:
  std::string push(char32_t c);  // the text that is final now
  std::string finish(bool show_dangling_leading);

 private:
  char32_t held_ = 0;  // a leading jamo or an LV syllable that the next jamo may extend
};

class JamoTokenizer final : public Tokenizer {
 public:
  static std::unique_ptr<JamoTokenizer> fit(const std::vector<std::string_view>& texts,
                                            const std::string& source = "");
  explicit JamoTokenizer(std::vector<char32_t> tokens);

  std::string type() const override { return "jamo"; }
  int vocab_size() const override { return static_cast<int>(tokens_.size()); }
  std::vector<int32_t> encode(std::string_view text, const std::string& source) const override;
  std::string decode(const std::vector<int32_t>& ids) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  std::string token(int32_t id) const override;
  int32_t find(std::string_view token) const override;
  nlohmann::json to_json() const override;

  char32_t code_point(int32_t id) const;  // InputError when id is out of range

 private:
  std::vector<char32_t> tokens_;
  std::unordered_map<char32_t, int32_t> ids_;
};

std::unique_ptr<Tokenizer> jamo_tokenizer_from_json(const nlohmann::json& json,
                                                    const std::string& path);

}  // namespace rnngen::text
