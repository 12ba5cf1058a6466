#include "text/build_tokenizer.h"

#include "rnngen/error.h"
#include "text/char_tokenizer.h"

namespace rnngen::text {

std::unique_ptr<Tokenizer> build_tokenizer(const TokenizerSpec& spec, std::string_view text,
                                           const std::string& source) {
  if (spec.kind == "char") return std::make_unique<CharTokenizer>(CharTokenizer::build(text));
  throw InputError("--tokenizer " + spec.kind + ": not available in this build yet");
}

}  // namespace rnngen::text
