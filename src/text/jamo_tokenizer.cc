#include "text/jamo_tokenizer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "rnngen/error.h"
#include "text/hangul.h"

namespace rnngen::text {
namespace {

// "\"x\" (U+0078)"; a control character by its number only, so the message stays one line.
std::string printable_name(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return code_point_name(c);
  return "\"" + encode_utf8(c) + "\" (" + code_point_name(c) + ")";
}

class JamoStreamDecoder final : public StreamDecoder {
 public:
  explicit JamoStreamDecoder(const JamoTokenizer& tok) : tok_(tok) {}
  std::string push(int32_t id) override { return composer_.push(tok_.code_point(id)); }
  std::string flush() override { return composer_.finish(/*show_dangling_leading=*/true); }

 private:
  const JamoTokenizer& tok_;
  HangulComposer composer_;
};

}  // namespace

std::vector<CodePoint> decompose_hangul(std::string_view text, const std::string& source) {
  std::vector<CodePoint> out;
  out.reserve(text.size());
  char32_t prev = 0;
  for (const CodePoint& cp : code_points(text, source)) {
    const char32_t c = cp.value;
    if (hangul::is_syllable(c)) {
      const auto j = hangul::decompose(c);
      out.push_back({j.leading, cp.offset});
      out.push_back({j.vowel, cp.offset});
      if (j.trailing) out.push_back({j.trailing, cp.offset});
    } else {
      const bool joins = (hangul::is_vowel(c) && hangul::is_leading(prev)) ||
                         (hangul::is_trailing(c) && hangul::is_lv_syllable(prev));
      if (joins)
        throw InputError(source_position(text, cp.offset, source) + code_point_name(c) +
                         " after " + code_point_name(prev) +
                         " would compose into one syllable: the text is not NFC-normalised");
      out.push_back(cp);
    }
    prev = c;
  }
  return out;
}

std::string HangulComposer::push(char32_t c) {
  std::string out;
  if (hangul::is_leading(held_)) {
    if (hangul::is_vowel(c)) {
      held_ = hangul::compose_lv(held_, c);
      return out;
    }
    append_utf8(out, held_);
    held_ = 0;
  } else if (held_ != 0) {  // an LV syllable
    if (hangul::is_trailing(c)) {
      append_utf8(out, hangul::compose_lvt(held_, c));
      held_ = 0;
      return out;
    }
    append_utf8(out, held_);
    held_ = 0;
  }
  if (hangul::is_leading(c))
    held_ = c;
  else
    append_utf8(out, c);
  return out;
}

std::string HangulComposer::finish(bool show_dangling_leading) {
  std::string out;
  if (held_ != 0)
    append_utf8(out, show_dangling_leading ? hangul::compatibility_jamo(held_) : held_);
  held_ = 0;
  return out;
}

std::unique_ptr<JamoTokenizer> JamoTokenizer::fit(const std::vector<std::string_view>& texts,
                                                  const std::string& source) {
  std::vector<char32_t> tokens;
  for (std::string_view text : texts)
    for (const CodePoint& cp : decompose_hangul(text, source)) tokens.push_back(cp.value);
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  if (tokens.empty())
    throw InputError("jamo tokenizer: " + (source.empty() ? std::string("the training text") : source) +
                     " is empty, so the vocabulary is empty");
  return std::make_unique<JamoTokenizer>(std::move(tokens));
}

JamoTokenizer::JamoTokenizer(std::vector<char32_t> tokens) : tokens_(std::move(tokens)) {
  for (size_t i = 0; i < tokens_.size(); ++i) ids_.emplace(tokens_[i], static_cast<int32_t>(i));
}

std::vector<int32_t> JamoTokenizer::encode(std::string_view text,
                                           const std::string& source) const {
  std::vector<int32_t> ids;
  const auto jamo = decompose_hangul(text, source);
  ids.reserve(jamo.size());
  for (const CodePoint& cp : jamo) {
    const auto it = ids_.find(cp.value);
    if (it == ids_.end())
      throw InputError(source_position(text, cp.offset, source) + "unknown symbol " +
                       printable_name(cp.value) +
                       " (not in the jamo vocabulary of the training text)");
    ids.push_back(it->second);
  }
  return ids;
}

std::string JamoTokenizer::decode(const std::vector<int32_t>& ids) const {
  HangulComposer composer;
  std::string out;
  for (int32_t id : ids) out += composer.push(code_point(id));
  return out + composer.finish(/*show_dangling_leading=*/false);
}

std::unique_ptr<StreamDecoder> JamoTokenizer::stream_decoder() const {
  return std::make_unique<JamoStreamDecoder>(*this);
}

char32_t JamoTokenizer::code_point(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw InputError("jamo token id " + std::to_string(id) + " is out of range [0, " +
                     std::to_string(vocab_size()) + ")");
  return tokens_[static_cast<size_t>(id)];
}

std::string JamoTokenizer::token(int32_t id) const { return encode_utf8(code_point(id)); }

int32_t JamoTokenizer::find(std::string_view token) const {
  std::vector<CodePoint> cps;
  try {
    cps = code_points(token, "token");
  } catch (const InputError&) {
    return -1;
  }
  if (cps.size() != 1) return -1;
  const auto it = ids_.find(cps[0].value);
  return it == ids_.end() ? -1 : it->second;
}

nlohmann::json JamoTokenizer::to_json() const {
  nlohmann::json tokens = nlohmann::json::array();
  for (char32_t c : tokens_) tokens.push_back(encode_utf8(c));
  return {{"type", "jamo"}, {"tokens", std::move(tokens)}};
}

std::unique_ptr<Tokenizer> jamo_tokenizer_from_json(const nlohmann::json& j,
                                                    const std::string& path) {
  if (!j.is_object() || !j.contains("tokens"))
    throw InputError(path + ": \"tokens\": missing");
  const auto& tokens_json = j.at("tokens");
  if (!tokens_json.is_array() || tokens_json.empty())
    throw InputError(path + ": \"tokens\": must be a non-empty array");
  std::vector<char32_t> tokens;
  for (const auto& t : tokens_json) {
    std::vector<CodePoint> cps;
    if (t.is_string()) cps = code_points(t.get<std::string>(), path);
    if (cps.size() != 1)
      throw InputError(path + ": \"tokens\": every token must be a string of one code point");
    tokens.push_back(cps[0].value);
  }
  auto sorted = tokens;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw InputError(path + ": \"tokens\": a code point appears twice");
  return std::make_unique<JamoTokenizer>(std::move(tokens));
}

}  // namespace rnngen::text
