// The char tokenizer: one token per Unicode code point of NFC text (torch-rnn / char-rnn).
// tokenizer.json: {"type": "char", "tokens": ["\n", " ", "!", ...], "unk": null}
// Token id i is tokens[i]. "unk" is null for models rnngen trains; a file may name one of
// its tokens there instead, and then characters outside the vocabulary encode to that token
// instead of being an error.
#pragma once
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/tokenizer.h"

namespace rnngen::text {

class CharTokenizer : public Tokenizer {
 public:
  // tokens: distinct code points, in id order. unk_id: -1 for none.
  explicit CharTokenizer(std::vector<char32_t> tokens, int32_t unk_id = -1);

  // The vocabulary of `text` (valid NFC UTF-8): its distinct code points sorted by value, so
  // the same text always gives the same ids. InputError for empty or invalid text.
  static CharTokenizer build(std::string_view text);
  // From a parsed tokenizer.json; `source` names it in errors (the file path).
  static CharTokenizer from_json(const nlohmann::json& j, const std::string& source);

  std::string type() const override { return "char"; }
  int vocab_size() const override { return static_cast<int>(codes_.size()); }
  // Unknown characters: InputError "SOURCE:LINE:COL: character 'X' (U+XXXX) is not in the
  // model's vocabulary", followed by up to 9 more distinct unknown characters with their
  // first positions and the total count.
  // Every token is one code point (an unknown one too, when the file names an unk token).
  size_t first_token_chars(std::string_view, const std::vector<int32_t>& ids,
                           const std::string&) const override {
    return ids.empty() ? 0 : 1;
  }
  std::vector<int32_t> encode(std::string_view text, const std::string& source) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  std::string token(int32_t id) const override;
  int32_t find(std::string_view token) const override;
  nlohmann::json to_json() const override;

  char32_t code_point(int32_t id) const;

 private:
  std::vector<char32_t> codes_;
  // UTF-8 of each token, shared with stream decoders so they outlive the tokenizer safely.
  std::shared_ptr<const std::vector<std::string>> utf8_;
  int32_t ascii_ids_[128];                     // -1 where absent: the common case, no hashing
  std::unordered_map<char32_t, int32_t> ids_;  // everything else
  int32_t unk_id_ = -1;

  int32_t id_of(char32_t cp) const;
};

}  // namespace rnngen::text
