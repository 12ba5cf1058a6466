// Builds a new tokenizer of the requested kind from training text.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "text/tokenizer.h"

namespace rnngen::text {

struct TokenizerSpec {
  std::string kind = "char";         // char | word | jamo | subword
  std::string word_style = "keras";  // keras | ptb
  int num_words = -1;                // -1 = all
  std::string oov_token;
  int vocab_size = 0;                // subword pieces, 0 = default
  std::string subword_model = "unigram";
};

// text: NFC UTF-8 training text; source names it in errors.
std::unique_ptr<Tokenizer> build_tokenizer(const TokenizerSpec& spec, std::string_view text,
                                           const std::string& source);

}  // namespace rnngen::text
