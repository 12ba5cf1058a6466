// tokenizer.json loading and saving, and what every tokenizer shares.
#include "text/tokenizer.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "io/atomic_file.h"
#include "io/json_file.h"
#include "rnngen/error.h"
#include "text/char_tokenizer.h"
#include "text/code_points.h"
#include "text/jamo_tokenizer.h"
#include "text/subword_tokenizer.h"
#include "text/word_tokenizer.h"

namespace rnngen::text {
namespace {

// One row per tokenizer type. Each loader receives the whole parsed tokenizer.json and the
// file name for its messages, and validates its own fields.
using Loader = std::unique_ptr<Tokenizer> (*)(const nlohmann::json& j, const std::string& source);

struct TokenizerType {
  std::string_view name;
  Loader load;
};

constexpr TokenizerType kTokenizerTypes[] = {
    {"char",
     [](const nlohmann::json& j, const std::string& source) -> std::unique_ptr<Tokenizer> {
       return std::make_unique<CharTokenizer>(CharTokenizer::from_json(j, source));
     }},
    {"word", word_tokenizer_from_json},
    {"jamo", jamo_tokenizer_from_json},
    {"subword", subword_tokenizer_from_json},
};

}  // namespace

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
  auto decoder = stream_decoder();
  std::string out;
  for (int32_t id : ids) out += decoder->push(id);
  out += decoder->flush();
  return out;
}

size_t Tokenizer::first_token_chars(std::string_view text, const std::vector<int32_t>& ids,
                                    const std::string& source) const {
  if (ids.empty()) return 0;
  const std::string first = decode({ids[0]});
  if (first.empty() || text.substr(0, first.size()) != first) return 0;
  return whole_code_points_before(text, first.size(), source);
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path) {
  const nlohmann::json j = io::read_json_object(path);
  auto type = j.find("type");
  if (type == j.end()) throw InputError(path + ": missing key \"type\"");
  if (!type->is_string())
    throw InputError(path + ": key \"type\" must be a string, got " + io::json_type_name(*type));
  const std::string& name = type->get_ref<const std::string&>();
  std::string known;
  for (const TokenizerType& t : kTokenizerTypes) {
    if (t.name == name) return t.load(j, path);
    known += (known.empty() ? "" : ", ") + std::string(t.name);
  }
  throw InputError(path + ": unknown tokenizer type " + io::json_quote(name) + " (known: " +
                   known + ")");
}

void save_tokenizer(const Tokenizer& tok, const std::string& path) {
  // "type" first, as in the contract, so a reader sees what kind of file it is at once; the
  // other keys follow in the tokenizer's own order.
  const nlohmann::json j = tok.to_json();
  nlohmann::ordered_json out;
  out["type"] = j.at("type");
  for (const auto& [key, value] : j.items())
    if (key != "type") out[key] = value;
  io::write_file_atomic(path, out.dump(2) + "\n");
}

}  // namespace rnngen::text
