// libFuzzer target: tokenizer.json of every type (char, word, jamo, subword), loaded as every
// command loads it (text::load_tokenizer), then used: a text encoded and every id decoded, as
// `sample` and `eval` would. Any input must end in a tokenizer or an InputError.
#include <cstddef>
#include <cstdint>

#include "fuzz_file.h"
#include "rnngen/error.h"
#include "text/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = rnngen::fuzz::write_input("tokenizer.json", data, size);
  std::unique_ptr<rnngen::text::Tokenizer> tok;
  try {
    tok = rnngen::text::load_tokenizer(path);
  } catch (const rnngen::InputError&) {
    return 0;
  }
  try {
    tok->encode("the cat sat\n\xea\xb0\x80 \xed\x9e\xa3 caf\xc3\xa9\n", "text");
  } catch (const rnngen::InputError&) {  // a character the vocabulary lacks, say
  }
  std::vector<int32_t> ids;
  for (int32_t i = 0; i < tok->vocab_size() && i < 4096; ++i) ids.push_back(i);
  tok->decode(ids);
  return 0;
}
