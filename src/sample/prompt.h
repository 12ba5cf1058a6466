// What `rnngen sample` does before generating, shared by the CLI, the C++ API (and through it
// Python and the server), so that all of them turn the same options into the same text.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"
#include "util/rng.h"

namespace rnngen::sample {

struct Prime {
  std::string text;             // NFC-normalised: what the CLI prints before the generated text
  std::vector<int32_t> ids;     // Tokenizer::encode_prefix of it
};
// InputError naming `source` (e.g. "--prime") for invalid UTF-8 or a symbol outside the vocabulary.
Prime encode_prime(const text::Tokenizer& tok, std::string_view prime, const std::string& source);

// Ids of tokens given by their surface text (--skip-tokens); InputError naming an unknown one.
std::vector<int> skip_token_ids(const text::Tokenizer& tok, const std::vector<std::string>& tokens);

// The first input when there is no prime: the line-start token where the tokenizer has one,
// else a token drawn from rng (the book's "start word"). Draws from rng only in that case,
// exactly as the CLI does before each sample.
int32_t start_token(const text::Tokenizer& tok, Rng& rng);

}  // namespace rnngen::sample
