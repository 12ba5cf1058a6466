#include "text/char_tokenizer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>

#include "io/json_file.h"
#include "rnngen/error.h"
#include "text/utf8.h"

namespace rnngen::text {
namespace {

class CharStreamDecoder : public StreamDecoder {
 public:
  explicit CharStreamDecoder(std::shared_ptr<const std::vector<std::string>> utf8)
      : utf8_(std::move(utf8)) {}
  std::string push(int32_t id) override {
    if (id < 0 || static_cast<size_t>(id) >= utf8_->size())
      throw InputError("token id " + std::to_string(id) + " is out of range (vocabulary of " +
                       std::to_string(utf8_->size()) + ")");
    return (*utf8_)[static_cast<size_t>(id)];
  }
  // Every token is a whole code point, so nothing is ever held back.
  std::string flush() override { return {}; }

 private:
  std::shared_ptr<const std::vector<std::string>> utf8_;
};

}  // namespace

CharTokenizer::CharTokenizer(std::vector<char32_t> tokens, int32_t unk_id)
    : codes_(std::move(tokens)), unk_id_(unk_id) {
  std::fill(std::begin(ascii_ids_), std::end(ascii_ids_), -1);
  auto utf8 = std::make_shared<std::vector<std::string>>();
  utf8->reserve(codes_.size());
  for (size_t i = 0; i < codes_.size(); ++i) {
    const char32_t cp = codes_[i];
    const auto id = static_cast<int32_t>(i);
    utf8->push_back(encode_utf8(cp));  // rejects surrogates and values past U+10FFFF
    const bool fresh = cp < 128 ? ascii_ids_[cp] < 0 : !ids_.contains(cp);
    if (!fresh) throw std::invalid_argument("CharTokenizer: duplicate token " + describe_char(cp));
    if (cp < 128)
      ascii_ids_[cp] = id;
    else
      ids_.emplace(cp, id);
  }
  if (unk_id_ < -1 || unk_id_ >= static_cast<int32_t>(codes_.size()))
    throw std::invalid_argument("CharTokenizer: unk id out of range");
  utf8_ = std::move(utf8);
}

CharTokenizer CharTokenizer::build(std::string_view text) {
  std::u32string cps = decode_utf8(text, "text");
  if (cps.empty()) throw InputError("cannot build a char vocabulary from empty text");
  std::sort(cps.begin(), cps.end());
  cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
  return CharTokenizer(std::vector<char32_t>(cps.begin(), cps.end()));
}

CharTokenizer CharTokenizer::from_json(const nlohmann::json& j, const std::string& source) {
  using io::json_quote;
  using io::json_type_name;
  auto tokens_it = j.find("tokens");
  if (tokens_it == j.end()) throw InputError(source + ": missing key \"tokens\"");
  if (!tokens_it->is_array())
    throw InputError(source + ": key \"tokens\" must be an array of strings, got " +
                     json_type_name(*tokens_it));
  if (tokens_it->empty()) throw InputError(source + ": key \"tokens\" is empty");

  std::vector<char32_t> codes;
  std::unordered_map<char32_t, size_t> seen;
  for (size_t i = 0; i < tokens_it->size(); ++i) {
    const nlohmann::json& t = (*tokens_it)[i];
    const std::string where = source + ": tokens[" + std::to_string(i) + "]";
    if (!t.is_string())
      throw InputError(where + " must be a string, got " + json_type_name(t));
    const std::string& s = t.get_ref<const std::string&>();
    std::u32string cps = decode_utf8(s, where);
    if (cps.size() != 1)
      throw InputError(where + " " + json_quote(s) + " is " + std::to_string(cps.size()) +
                       " code points; a char token is exactly one");
    if (auto [it, fresh] = seen.emplace(cps[0], i); !fresh)
      throw InputError(where + " " + describe_char(cps[0]) + " duplicates tokens[" +
                       std::to_string(it->second) + "]");
    codes.push_back(cps[0]);
  }

  int32_t unk = -1;
  if (auto u = j.find("unk"); u != j.end() && !u->is_null()) {
    if (!u->is_string())
      throw InputError(source + ": key \"unk\" must be null or a token, got " +
                       json_type_name(*u));
    std::u32string cps = decode_utf8(u->get_ref<const std::string&>(), source + ": unk");
    auto it = cps.size() == 1 ? seen.find(cps[0]) : seen.end();
    if (it == seen.end())
      throw InputError(source + ": key \"unk\" " + u->dump() + " is not one of the tokens");
    unk = static_cast<int32_t>(it->second);
  }
  return CharTokenizer(std::move(codes), unk);
}

int32_t CharTokenizer::id_of(char32_t cp) const {
  if (cp < 128) return ascii_ids_[cp];
  auto it = ids_.find(cp);
  return it == ids_.end() ? -1 : it->second;
}

std::vector<int32_t> CharTokenizer::encode(std::string_view text,
                                           const std::string& source) const {
  struct Unknown {
    char32_t cp;
    TextPos pos;
  };
  constexpr size_t kListed = 10;
  std::vector<Unknown> unknown;  // first kListed distinct, in order of first appearance
  std::unordered_set<char32_t> unknown_seen;

  std::vector<int32_t> ids;
  ids.reserve(text.size());
  TextPos pos;
  char32_t cp;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    if (!next_code_point(text, i, cp)) {
      validate_utf8(text, source);  // throws with the offset and position
      throw InputError(source + ": invalid UTF-8 at byte offset " + std::to_string(start));
    }
    int32_t id = id_of(cp);
    if (id < 0) {
      id = unk_id_;
      if (id < 0 && unknown_seen.insert(cp).second && unknown.size() < kListed)
        unknown.push_back({cp, pos});
    }
    ids.push_back(id);
    if (cp == U'\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }

  if (!unknown.empty()) {
    std::string msg = source + ":" + to_string(unknown[0].pos) + ": character " +
                      describe_char(unknown[0].cp) + " is not in the model's vocabulary";
    if (unknown_seen.size() > 1) {
      msg += " (" + std::to_string(unknown_seen.size()) + " unknown characters; also";
      for (size_t k = 1; k < unknown.size(); ++k)
        msg += std::string(k > 1 ? "," : "") + " " + describe_char(unknown[k].cp) + " at " +
               to_string(unknown[k].pos);
      if (unknown_seen.size() > unknown.size()) msg += ", ...";
      msg += ")";
    }
    throw InputError(msg);
  }
  return ids;
}

std::unique_ptr<StreamDecoder> CharTokenizer::stream_decoder() const {
  return std::make_unique<CharStreamDecoder>(utf8_);
}

std::string CharTokenizer::token(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw InputError("token id " + std::to_string(id) + " is out of range (vocabulary of " +
                     std::to_string(vocab_size()) + ")");
  return (*utf8_)[static_cast<size_t>(id)];
}

char32_t CharTokenizer::code_point(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw InputError("token id " + std::to_string(id) + " is out of range (vocabulary of " +
                     std::to_string(vocab_size()) + ")");
  return codes_[static_cast<size_t>(id)];
}

int32_t CharTokenizer::find(std::string_view token) const {
  size_t pos = 0;
  char32_t cp;
  if (token.empty() || !next_code_point(token, pos, cp) || pos != token.size()) return -1;
  return id_of(cp);
}

nlohmann::json CharTokenizer::to_json() const {
  nlohmann::json j;
  j["type"] = "char";
  j["tokens"] = *utf8_;
  j["unk"] = unk_id_ < 0 ? nlohmann::json(nullptr) : nlohmann::json((*utf8_)[unk_id_]);
  return j;
}

}  // namespace rnngen::text
