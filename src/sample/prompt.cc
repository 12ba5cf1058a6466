#include "sample/prompt.h"

#include "rnngen/error.h"
#include "text/utf8.h"

namespace rnngen::sample {

Prime encode_prime(const text::Tokenizer& tok, std::string_view prime, const std::string& source) {
  Prime p;
  // nfc() rejects invalid UTF-8 with a message naming "text"; validating first names the source.
  text::validate_utf8(prime, source);
  p.text = text::nfc(prime);
  // A word of the prime outside the vocabulary (no oov_token) is an InputError naming it.
  p.ids = tok.encode_prefix(p.text, source);
  return p;
}

std::vector<int> skip_token_ids(const text::Tokenizer& tok, const std::vector<std::string>& tokens) {
  std::vector<int> ids;
  for (const std::string& t : tokens) {
    const int32_t id = tok.find(t);
    if (id < 0) throw InputError("--skip-tokens: '" + t + "' is not a token of this model");
    ids.push_back(id);
  }
  return ids;
}

int32_t start_token(const text::Tokenizer& tok, Rng& rng) {
  const int32_t line_start = tok.line_start_token();
  return line_start >= 0 ? line_start : static_cast<int32_t>(rng.below(tok.vocab_size()));
}

}  // namespace rnngen::sample
