#include "text/word_tokenizer.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>

#include "rnngen/error.h"
#include "text/code_points.h"

namespace rnngen::text {
namespace {

bool is_keras(const WordTokenizerOptions& o) { return o.style == WordStyle::keras; }

std::string quoted(const std::string& word) { return "\"" + word + "\""; }

void check_options(const WordTokenizerOptions& o) {
  if (is_keras(o)) {
    if (o.split.empty()) throw InputError("word tokenizer: the split string must not be empty");
    if (o.num_words && *o.num_words < 1)
      throw InputError("--num-words must be at least 1 (got " + std::to_string(*o.num_words) + ")");
  } else if (o.num_words) {
    throw InputError("--num-words applies to --word-style keras only");
  }
}

// The first id a real word can have: keras reserves 0 for padding and 1 for the oov_token.
int32_t first_word_id(const WordTokenizerOptions& o) {
  if (!is_keras(o)) return 0;
  return o.oov_token ? 2 : 1;
}

// Keras fit_on_texts: counts in first-appearance order, then a stable sort by descending
// count (Python's list.sort(reverse=True) keeps ties in their original order).
std::vector<std::string> keras_vocabulary(const std::vector<std::string_view>& texts,
                                          const WordTokenizerOptions& o,
                                          const std::string& source) {
  std::vector<std::pair<std::string, size_t>> counts;
  std::unordered_map<std::string, size_t> index;
  const KerasSplitOptions split{o.lower, o.filters, o.split};
  for (std::string_view text : texts)
    for (auto& w : keras_words(text, split, source)) {
      auto [it, inserted] = index.try_emplace(w.text, counts.size());
      if (inserted) counts.emplace_back(std::move(w.text), 0);
      ++counts[it->second].second;
    }
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> tokens{std::string(kKerasPadToken)};
  if (o.oov_token) tokens.push_back(*o.oov_token);
  // Keras would give an oov_token that also occurs in the text a second, later index and
  // leave index 1 unused; keeping it at 1 only is the sane reading of "oov gets index 1".
  for (auto& [word, count] : counts)
    if (!o.oov_token || word != *o.oov_token) tokens.push_back(std::move(word));
  return tokens;
}

// PyTorch word_language_model's Dictionary: ids in order of first appearance.
std::vector<std::string> ptb_vocabulary(const std::vector<std::string_view>& texts,
                                        const WordTokenizerOptions& o,
                                        const std::string& source) {
  std::vector<std::string> tokens;
  std::unordered_map<std::string, int32_t> seen;
  for (std::string_view text : texts)
    for (auto& w : ptb_words(text, std::string(kPtbEosToken), source))
      if (seen.try_emplace(w.text, static_cast<int32_t>(tokens.size())).second)
        tokens.push_back(std::move(w.text));
  if (!tokens.empty() && o.oov_token && !seen.count(*o.oov_token)) tokens.push_back(*o.oov_token);
  return tokens;
}

class WordStreamDecoder final : public StreamDecoder {
 public:
  WordStreamDecoder(const WordTokenizer& tok, int32_t eos_id) : tok_(tok), eos_id_(eos_id) {}
  std::string push(int32_t id) override {
    if (id == eos_id_) {
      at_line_start_ = true;
      return "\n";
    }
    if (tok_.options().style == WordStyle::keras && id == 0) return "";  // padding
    std::string out = at_line_start_ ? "" : " ";
    at_line_start_ = false;
    return out + tok_.token(id);
  }
  std::string flush() override { return ""; }

 private:
  const WordTokenizer& tok_;
  int32_t eos_id_;
  bool at_line_start_ = true;
};

}  // namespace

WordStyle parse_word_style(const std::string& name) {
  if (name == "keras") return WordStyle::keras;
  if (name == "ptb") return WordStyle::ptb;
  throw InputError("unknown word style \"" + name + "\" (expected keras or ptb)");
}

std::unique_ptr<WordTokenizer> WordTokenizer::fit(const std::vector<std::string_view>& texts,
                                                  const WordTokenizerOptions& options,
                                                  const std::string& source) {
  check_options(options);
  auto tokens = is_keras(options) ? keras_vocabulary(texts, options, source)
                                  : ptb_vocabulary(texts, options, source);
  const int32_t first = first_word_id(options);
  const std::string where = source.empty() ? "the training text" : source;
  if (static_cast<int32_t>(tokens.size()) <= first)
    throw InputError("word tokenizer: " + where + " has no words, so the vocabulary is empty");
  auto tok = std::make_unique<WordTokenizer>(std::move(tokens), options);
  if (tok->vocab_size() <= first)
    throw InputError("--num-words " + std::to_string(*options.num_words) +
                     " leaves no word ids (word ids start at " + std::to_string(first) + ")");
  return tok;
}

WordTokenizer::WordTokenizer(std::vector<std::string> tokens, WordTokenizerOptions options)
    : tokens_(std::move(tokens)), options_(std::move(options)) {
  check_options(options_);
  // A word that happens to be spelled "<pad>" keeps its own id; 0 stays padding.
  for (size_t i = is_keras(options_) ? 1 : 0; i < tokens_.size(); ++i)
    ids_.try_emplace(tokens_[i], static_cast<int32_t>(i));
  if (is_keras(options_) && !tokens_.empty()) ids_.try_emplace(tokens_[0], 0);
  if (options_.oov_token) oov_id_ = find(*options_.oov_token);
  if (!is_keras(options_)) eos_id_ = find(kPtbEosToken);
}

int WordTokenizer::vocab_size() const {
  const int all = static_cast<int>(tokens_.size());
  return options_.num_words ? std::min(*options_.num_words, all) : all;
}

std::vector<Word> WordTokenizer::words(std::string_view text, const std::string& source) const {
  if (is_keras(options_))
    return keras_words(text, {options_.lower, options_.filters, options_.split}, source);
  return ptb_words(text, std::string(kPtbEosToken), source);
}

int32_t WordTokenizer::id_of(const Word& w, std::string_view text, const std::string& source,
                             bool skip_unknown) const {
  const auto it = ids_.find(w.text);
  if (it != ids_.end() && it->second < vocab_size()) return it->second;
  if (oov_id_ >= 0) return oov_id_;
  if (it == ids_.end() && !skip_unknown)
    throw InputError(source_position(text, w.offset, source) + "unknown word " + quoted(w.text) +
                     " (not in the vocabulary of the training text, and the tokenizer has "
                     "no oov_token; a model trained with --oov-token scores such words as that token)");
  return -1;  // a known word beyond num_words without an oov_token is dropped, as in Keras
}

std::vector<int32_t> WordTokenizer::encode(std::string_view text,
                                           const std::string& source) const {
  std::vector<int32_t> ids;
  for (const Word& w : words(text, source))
    if (const int32_t id = id_of(w, text, source); id >= 0) ids.push_back(id);
  return ids;
}

std::vector<int32_t> WordTokenizer::encode_known(std::string_view text, const std::string& source,
                                                 size_t& unknown) const {
  std::vector<int32_t> ids;
  for (const Word& w : words(text, source)) {
    const int32_t id = id_of(w, text, source, true);
    if (id >= 0) ids.push_back(id);
    else if (!ids_.count(w.text)) ++unknown;
  }
  return ids;
}

std::vector<int32_t> WordTokenizer::encode_prefix(std::string_view text,
                                                  const std::string& source) const {
  std::vector<int32_t> ids = encode(text, source);
  if (eos_id_ >= 0 && !ids.empty() && ids.back() == eos_id_ && !text.empty() && text.back() != '\n')
    ids.pop_back();
  return ids;
}

size_t WordTokenizer::first_token_chars(std::string_view text, const std::vector<int32_t>& ids,
                                        const std::string& source) const {
  if (ids.empty()) return 0;
  for (const Word& w : words(text, source))
    if (id_of(w, text, source) >= 0) return whole_code_points_before(text, w.end, source);
  return 0;
}

std::string WordTokenizer::decode(const std::vector<int32_t>& ids) const {
  auto dec = stream_decoder();
  std::string out;
  for (int32_t id : ids) out += dec->push(id);
  return out + dec->flush();
}

std::unique_ptr<StreamDecoder> WordTokenizer::stream_decoder() const {
  return std::make_unique<WordStreamDecoder>(*this, eos_id_);
}

std::string WordTokenizer::token(int32_t id) const {
  if (id < 0 || id >= static_cast<int32_t>(tokens_.size()))
    throw InputError("word token id " + std::to_string(id) + " is out of range [0, " +
                     std::to_string(tokens_.size()) + ")");
  return tokens_[static_cast<size_t>(id)];
}

int32_t WordTokenizer::find(std::string_view token) const {
  const auto it = ids_.find(std::string(token));
  return it == ids_.end() ? -1 : it->second;
}

nlohmann::json WordTokenizer::to_json() const {
  nlohmann::json j;
  j["type"] = "word";
  j["style"] = is_keras(options_) ? "keras" : "ptb";
  j["tokens"] = tokens_;
  if (is_keras(options_)) {
    j["lower"] = options_.lower;
    j["filters"] = options_.filters;
    j["split"] = options_.split;
    j["num_words"] = options_.num_words ? nlohmann::json(*options_.num_words) : nlohmann::json();
  } else {
    j["eos_token"] = kPtbEosToken;
  }
  j["oov_token"] = options_.oov_token ? nlohmann::json(*options_.oov_token) : nlohmann::json();
  return j;
}

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& key, const std::string& what) {
  throw InputError(path + ": \"" + key + "\": " + what);
}

const nlohmann::json& required(const nlohmann::json& j, const std::string& path,
                               const std::string& key) {
  if (!j.contains(key)) bad(path, key, "missing");
  return j.at(key);
}

std::string string_field(const nlohmann::json& j, const std::string& path,
                         const std::string& key) {
  const auto& v = required(j, path, key);
  if (!v.is_string()) bad(path, key, "must be a string");
  return v.get<std::string>();
}

std::optional<std::string> optional_string(const nlohmann::json& j, const std::string& path,
                                           const std::string& key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  if (!j.at(key).is_string()) bad(path, key, "must be a string or null");
  return j.at(key).get<std::string>();
}

}  // namespace

std::unique_ptr<Tokenizer> word_tokenizer_from_json(const nlohmann::json& j,
                                                    const std::string& path) {
  if (!j.is_object()) throw InputError(path + ": not a JSON object");
  WordTokenizerOptions o;
  const std::string style = string_field(j, path, "style");
  if (style != "keras" && style != "ptb") bad(path, "style", "must be \"keras\" or \"ptb\"");
  o.style = parse_word_style(style);

  const auto& tokens_json = required(j, path, "tokens");
  if (!tokens_json.is_array() || tokens_json.empty()) bad(path, "tokens", "must be a non-empty array");
  std::vector<std::string> tokens;
  for (const auto& t : tokens_json) {
    if (!t.is_string()) bad(path, "tokens", "every token must be a string");
    tokens.push_back(t.get<std::string>());
  }
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = o.style == WordStyle::keras ? 1 : 0; i < tokens.size(); ++i)
    if (!seen.try_emplace(tokens[i], i).second)
      bad(path, "tokens", "\"" + tokens[i] + "\" appears twice");

  o.oov_token = optional_string(j, path, "oov_token");
  if (o.style == WordStyle::keras) {
    if (tokens[0] != kKerasPadToken) bad(path, "tokens", "token 0 must be \"<pad>\"");
    const auto& lower = required(j, path, "lower");
    if (!lower.is_boolean()) bad(path, "lower", "must be true or false");
    o.lower = lower.get<bool>();
    o.filters = string_field(j, path, "filters");
    o.split = string_field(j, path, "split");
    if (o.split.empty()) bad(path, "split", "must not be empty");
    if (j.contains("num_words") && !j.at("num_words").is_null()) {
      const auto& n = j.at("num_words");
      if (!n.is_number_integer() || n.get<int64_t>() < 1 || n.get<int64_t>() > INT32_MAX)
        bad(path, "num_words", "must be null or a positive integer");
      o.num_words = n.get<int>();
    }
    if (o.oov_token && (tokens.size() < 2 || tokens[1] != *o.oov_token))
      bad(path, "oov_token", "must be token 1");
  } else {
    if (j.contains("eos_token") && j.at("eos_token") != kPtbEosToken)
      bad(path, "eos_token", "must be \"<eos>\"");
    if (!seen.count(std::string(kPtbEosToken))) bad(path, "tokens", "has no \"<eos>\"");
    if (o.oov_token && !seen.count(*o.oov_token)) bad(path, "oov_token", "is not among the tokens");
  }
  return std::make_unique<WordTokenizer>(std::move(tokens), std::move(o));
}

}  // namespace rnngen::text
