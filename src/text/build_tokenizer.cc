#include "text/build_tokenizer.h"

#include <thread>

#include "rnngen/error.h"
#include "text/char_tokenizer.h"
#include "text/jamo_tokenizer.h"
#include "text/subword_tokenizer.h"
#include "text/word_tokenizer.h"

namespace rnngen::text {

std::unique_ptr<Tokenizer> build_tokenizer(const TokenizerSpec& spec, std::string_view text,
                                           const std::string& source) {
  if (spec.kind == "char") return std::make_unique<CharTokenizer>(CharTokenizer::build(text));
  const std::vector<std::string_view> texts{text};
  if (spec.kind == "word") {
    WordTokenizerOptions o;
    o.style = parse_word_style(spec.word_style);
    if (spec.num_words != -1) o.num_words = spec.num_words;
    if (!spec.oov_token.empty()) o.oov_token = spec.oov_token;
    return WordTokenizer::fit(texts, o, source);
  }
  if (spec.kind == "jamo") return JamoTokenizer::fit(texts, source);
  if (spec.kind == "subword") {
    SubwordOptions o;
    o.model_type = spec.subword_model;
    if (spec.vocab_size > 0) o.vocab_size = spec.vocab_size;
    return SubwordTokenizer::train(texts, o);
  }
  throw InputError("--tokenizer: unknown kind '" + spec.kind + "' (char, word, jamo or subword)");
}

}  // namespace rnngen::text
