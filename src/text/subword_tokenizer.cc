#include "text/subword_tokenizer.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <utf8proc.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "rnngen/error.h"
#include "text/code_points.h"
#include "util/base64.h"

namespace rnngen::text {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";  // U+2581, SentencePiece's space
constexpr std::string_view kUnknownSurface = " \xE2\x81\x87 ";  // SentencePiece's " ⁇ "

// Lines of text, each with its '\n' (the last one may lack it), fed to the trainer.
class LineIterator final : public sentencepiece::SentenceIterator {
 public:
  explicit LineIterator(const std::vector<std::string_view>& texts) : texts_(texts) { load(); }
  bool done() const override { return text_ >= texts_.size(); }
  void Next() override {
    pos_ += line_.size();
    load();
  }
  const std::string& value() const override { return line_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void load() {
    while (text_ < texts_.size() && pos_ >= texts_[text_].size()) {
      ++text_;
      pos_ = 0;
    }
    if (done()) return;
    const std::string_view t = texts_[text_];
    const size_t end = t.find('\n', pos_);
    line_.assign(t.substr(pos_, end == std::string_view::npos ? t.npos : end + 1 - pos_));
  }
  const std::vector<std::string_view>& texts_;
  size_t text_ = 0, pos_ = 0;
  std::string line_;
};

// SentencePiece statuses read "Internal: ./src/x.cc(580) [check] Message."; keep the message.
std::string status_message(const sentencepiece::util::Status& s) {
  std::string m = s.ToString();
  const size_t bracket = m.rfind("] ");
  return bracket == std::string::npos ? m : m.substr(bracket + 2);
}

// SentencePiece's two vocabulary-size refusals say what to change in its own flags
// (--character_coverage, which rnngen does not have); these say it in rnngen's.
std::string training_failure(const std::string& message, const SubwordOptions& o) {
  const std::string flag = "--vocab-size " + std::to_string(o.vocab_size);
  int asked = 0, limit = 0;
  if (const size_t at = message.find("Vocabulary size is smaller than required_chars");
      at != std::string::npos &&
      std::sscanf(message.c_str() + at, "Vocabulary size is smaller than required_chars. %d vs %d", &asked, &limit) == 2)
    return flag + " is too small for this text: SentencePiece keeps one piece for each of the " +
           std::to_string(limit) + " characters that make up " + std::to_string(o.character_coverage * 100).substr(0, 5) +
           "% of it; use --vocab-size " + std::to_string(limit) + " or more";
  if (const size_t at = message.find("Vocabulary size too high");
      at != std::string::npos &&
      std::sscanf(message.c_str() + at, "Vocabulary size too high (%d). Please set it to a value <= %d", &asked, &limit) == 2)
    return flag + " is more pieces than SentencePiece finds in this text (at most " + std::to_string(limit) +
           "); use --vocab-size " + std::to_string(limit) + " or less, or train on more text";
  return "subword tokenizer: sentencepiece training failed: " + message;
}

// Moves the longest valid UTF-8 prefix of pending into the result. An incomplete character
// at the end waits for more bytes unless at_end; a byte that can never start or continue a
// character becomes U+FFFD, so the output is always valid UTF-8.
std::string take_valid_utf8(std::string& pending, bool at_end) {
  std::string out;
  size_t pos = 0;
  while (pos < pending.size()) {
    const auto lead = static_cast<unsigned char>(pending[pos]);
    const size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (need != 0 && pos + need > pending.size() && !at_end) break;
    utf8proc_int32_t cp = -1;
    const auto n = need == 0 ? -1
                             : utf8proc_iterate(
                                   reinterpret_cast<const utf8proc_uint8_t*>(pending.data() + pos),
                                   static_cast<utf8proc_ssize_t>(pending.size() - pos), &cp);
    if (n > 0 && cp >= 0) {
      out.append(pending, pos, static_cast<size_t>(n));
      pos += static_cast<size_t>(n);
    } else {
      append_utf8(out, 0xFFFD);
      ++pos;
    }
  }
  pending.erase(0, pos);
  return out;
}

class SubwordStreamDecoder final : public StreamDecoder {
 public:
  explicit SubwordStreamDecoder(const SubwordTokenizer& tok) : tok_(tok) {}
  std::string push(int32_t id) override {
    pending_ += tok_.surface_bytes(id);
    return take_valid_utf8(pending_, false);
  }
  std::string flush() override { return take_valid_utf8(pending_, true); }

 private:
  const SubwordTokenizer& tok_;
  std::string pending_;  // bytes of a character whose byte pieces have not all arrived
};

}  // namespace

std::unique_ptr<SubwordTokenizer> SubwordTokenizer::train(
    const std::vector<std::string_view>& texts, const SubwordOptions& options) {
  if (options.model_type != "unigram" && options.model_type != "bpe")
    throw InputError("subword model type \"" + options.model_type + "\": expected unigram or bpe");
  if (options.vocab_size < 1) throw InputError("--vocab-size must be at least 1");
  const std::unordered_map<std::string, std::string> args = {
      {"model_type", options.model_type},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"num_threads", std::to_string(std::max(1, options.num_threads))},
      {"normalization_rule_name", "identity"},
      {"add_dummy_prefix", "false"},
      {"remove_extra_whitespaces", "false"},
      {"byte_fallback", "true"},
      {"user_defined_symbols", "\n"},
      {"bos_id", "-1"},
      {"eos_id", "-1"},
      {"max_sentence_length", std::to_string(1 << 20)},
      {"minloglevel", "2"},
  };
  sentencepiece::SetRandomGeneratorSeed(options.seed);
  LineIterator lines(texts);
  std::string serialized;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &lines, &serialized);
  if (!status.ok()) throw InputError(training_failure(status_message(status), options));
  return std::make_unique<SubwordTokenizer>(serialized, options.model_type, "trained model");
}

SubwordTokenizer::SubwordTokenizer(const std::string& serialized, std::string model_type,
                                   const std::string& source)
    : serialized_(serialized),
      model_type_(std::move(model_type)),
      sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  const auto status = sp_->LoadFromSerializedProto(serialized_);
  if (!status.ok())
    throw InputError(source + ": not a SentencePiece model: " + status_message(status));
  char piece[8];
  for (int b = 0; b < 256; ++b) {
    std::snprintf(piece, sizeof piece, "<0x%02X>", b);
    const int id = sp_->PieceToId(piece);
    byte_ids_[b] = id >= 0 && sp_->IsByte(id) ? id : -1;
  }
}

SubwordTokenizer::~SubwordTokenizer() = default;

int SubwordTokenizer::vocab_size() const { return sp_->GetPieceSize(); }

std::vector<int32_t> SubwordTokenizer::encode(std::string_view text,
                                              const std::string& source) const {
  std::vector<int32_t> ids;
  std::vector<int> piece_ids;
  size_t line_start = 0;
  // One line at a time: pieces never span "\n", and a short input keeps SentencePiece's
  // lattice small. Within a line, a literal U+2581 is cut out and written as byte pieces,
  // since SentencePiece would read it back as a space.
  auto encode_segment = [&](std::string_view segment, size_t offset) {
    if (segment.empty()) return;
    const auto status = sp_->Encode(segment, &piece_ids);
    if (!status.ok())
      throw InputError(source_position(text, offset, source) +
                       "sentencepiece could not encode the text: " + status_message(status));
    for (int id : piece_ids) {
      if (sp_->IsUnknown(id))
        throw InputError(source_position(text, offset, source) +
                         "a character on this line is not in the subword model and the model "
                         "has no byte pieces");
      ids.push_back(id);
    }
  };
  while (line_start < text.size()) {
    const size_t newline = text.find('\n', line_start);
    const size_t line_end = newline == std::string_view::npos ? text.size() : newline + 1;
    size_t pos = line_start;
    while (pos < line_end) {
      size_t mark = text.substr(0, line_end).find(kSpaceSymbol, pos);
      if (mark == std::string_view::npos) mark = line_end;
      encode_segment(text.substr(pos, mark - pos), pos);
      if (mark == line_end) break;
      for (char byte : kSpaceSymbol) {
        const int32_t id = byte_ids_[static_cast<unsigned char>(byte)];
        if (id < 0)
          throw InputError(source_position(text, mark, source) +
                           "U+2581 cannot be encoded: the subword model has no byte pieces");
        ids.push_back(id);
      }
      pos = mark + kSpaceSymbol.size();
    }
    line_start = line_end;
  }
  return ids;
}

std::string SubwordTokenizer::surface_bytes(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw InputError("subword token id " + std::to_string(id) + " is out of range [0, " +
                     std::to_string(vocab_size()) + ")");
  if (sp_->IsByte(id))  // "<0xNN>"
    return std::string(1, static_cast<char>(std::stoi(sp_->IdToPiece(id).substr(3, 2), nullptr, 16)));
  if (sp_->IsControl(id)) return "";
  if (sp_->IsUnknown(id)) return std::string(kUnknownSurface);
  const std::string& piece = sp_->IdToPiece(id);
  std::string text;
  size_t from = 0;
  for (size_t at = piece.find(kSpaceSymbol); at != std::string::npos;
       at = piece.find(kSpaceSymbol, from)) {
    text.append(piece, from, at - from).push_back(' ');
    from = at + kSpaceSymbol.size();
  }
  return text.append(piece, from);
}

std::string SubwordTokenizer::decode(const std::vector<int32_t>& ids) const {
  SubwordStreamDecoder dec(*this);
  std::string out;
  for (int32_t id : ids) out += dec.push(id);
  return out + dec.flush();
}

std::unique_ptr<StreamDecoder> SubwordTokenizer::stream_decoder() const {
  return std::make_unique<SubwordStreamDecoder>(*this);
}

size_t SubwordTokenizer::first_token_chars(std::string_view text, const std::vector<int32_t>& ids,
                                           const std::string& source) const {
  if (ids.empty()) return 0;
  const std::string first = surface_bytes(ids[0]);
  if (text.substr(0, first.size()) != first) return 0;
  return whole_code_points_before(text, first.size(), source);
}

std::string SubwordTokenizer::token(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw InputError("subword token id " + std::to_string(id) + " is out of range [0, " +
                     std::to_string(vocab_size()) + ")");
  return sp_->IdToPiece(id);
}

int32_t SubwordTokenizer::find(std::string_view token) const {
  const int id = sp_->PieceToId(token);
  // PieceToId answers unk_id for any unknown piece; only the unknown piece itself is a match.
  return id >= 0 && sp_->IdToPiece(id) == token ? id : -1;
}

nlohmann::json SubwordTokenizer::to_json() const {
  nlohmann::json tokens = nlohmann::json::array();
  for (int i = 0; i < vocab_size(); ++i) tokens.push_back(sp_->IdToPiece(i));
  return {{"type", "subword"},       {"library", "sentencepiece"},
          {"model_type", model_type_}, {"vocab_size", vocab_size()},
          {"tokens", std::move(tokens)}, {"model", base64_encode(serialized_)}};
}

std::unique_ptr<Tokenizer> subword_tokenizer_from_json(const nlohmann::json& j,
                                                       const std::string& path) {
  auto bad = [&](const std::string& key, const std::string& what) -> InputError {
    return InputError(path + ": \"" + key + "\": " + what);
  };
  if (!j.is_object() || !j.contains("model")) throw bad("model", "missing");
  if (!j.at("model").is_string()) throw bad("model", "must be a base64 string");
  if (j.contains("library") && j.at("library") != "sentencepiece")
    throw bad("library", "must be \"sentencepiece\"");
  std::string model_type = "unigram";
  if (j.contains("model_type")) {
    if (!j.at("model_type").is_string()) throw bad("model_type", "must be a string");
    model_type = j.at("model_type").get<std::string>();
  }
  const auto serialized = base64_decode(j.at("model").get<std::string>());
  if (!serialized) throw bad("model", "is not valid base64");
  auto tok = std::make_unique<SubwordTokenizer>(*serialized, model_type, path + ": \"model\"");
  if (j.contains("vocab_size") && j.at("vocab_size") != tok->vocab_size())
    throw bad("vocab_size", "does not match the model's " + std::to_string(tok->vocab_size()) +
                                " pieces");
  if (j.contains("tokens")) {
    const auto& tokens = j.at("tokens");
    if (!tokens.is_array() || static_cast<int>(tokens.size()) != tok->vocab_size())
      throw bad("tokens", "must list the model's " + std::to_string(tok->vocab_size()) + " pieces");
    for (int i = 0; i < tok->vocab_size(); ++i)
      if (tokens[static_cast<size_t>(i)] != tok->token(i))
        throw bad("tokens", "token " + std::to_string(i) + " differs from the model's piece");
  }
  return tok;
}

}  // namespace rnngen::text
