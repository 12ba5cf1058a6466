// Subword tokenizer: a SentencePiece model (unigram or BPE) trained on the training text.
//
// Trained so that decode(encode(x)) == x byte for byte: identity normalisation (no NFKC, no
// whitespace folding, no dummy-prefix space), byte fallback (a character the model never saw
// becomes its UTF-8 bytes instead of <unk>), and "\n" as a user-defined piece, so pieces never
// span lines. No <s>/</s> ids: a language model does not need them. SentencePiece writes
// spaces as U+2581 inside pieces; a literal U+2581 in the text is encoded as its three byte
// pieces, so it too survives the round trip.
//
// Training runs in memory (sentences from an iterator, model returned as a serialized proto)
// and leaves no files behind. tokenizer.json keeps the model so a model directory is
// self-contained:
//   {"type": "subword", "library": "sentencepiece", "model_type": "unigram"|"bpe",
//    "vocab_size": N, "tokens": [pieces in id order, informational],
//    "model": "<base64 of the serialized SentencePiece ModelProto>"}
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace rnngen::text {

struct SubwordOptions {
  std::string model_type = "unigram";  // "unigram" | "bpe"
  int vocab_size = 8000;
  // Characters covering this fraction of the text get their own pieces; the rest are bytes.
  double character_coverage = 0.9995;
  int num_threads = 1;  // the trained model depends on it (float sums), like ours
  uint32_t seed = 0;
};

class SubwordTokenizer final : public Tokenizer {
 public:
  // Trains on the texts, split into lines (each line keeps its "\n"). SentencePiece's
  // complaints (vocab_size too small for the characters, too large for the text, ...) become
  // an InputError quoting them.
  static std::unique_ptr<SubwordTokenizer> train(const std::vector<std::string_view>& texts,
                                                 const SubwordOptions& options);
  // serialized: a SentencePiece ModelProto; InputError naming source when it does not load.
  SubwordTokenizer(const std::string& serialized, std::string model_type, const std::string& source);
  ~SubwordTokenizer() override;

  std::string type() const override { return "subword"; }
  int vocab_size() const override;
  std::vector<int32_t> encode(std::string_view text, const std::string& source) const override;
  std::string decode(const std::vector<int32_t>& ids) const override;
  // From surface_bytes(ids[0]): the decoder may treat a first piece specially.
  size_t first_token_chars(std::string_view text, const std::vector<int32_t>& ids,
                           const std::string& source) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  std::string token(int32_t id) const override;  // the piece, with U+2581 for a space
  int32_t find(std::string_view token) const override;
  nlohmann::json to_json() const override;

  // The text one id stands for: bytes for a byte piece (possibly part of a character).
  std::string surface_bytes(int32_t id) const;
  const std::string& model_type() const { return model_type_; }

 private:
  std::string serialized_;
  std::string model_type_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  int32_t byte_ids_[256];  // id of the piece <0xNN>, or -1
};

std::unique_ptr<Tokenizer> subword_tokenizer_from_json(const nlohmann::json& json,
                                                       const std::string& path);

}  // namespace rnngen::text
