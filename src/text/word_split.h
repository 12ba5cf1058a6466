// How the word tokenizer cuts text into words, in its two styles.
//
// keras: exactly keras_preprocessing.text.text_to_word_sequence: lower-case the whole text
//   (Python's str.lower(), so U+0130 and the final-sigma rule are honoured), replace every
//   character of `filters` by `split`, split on `split`, drop empty pieces. Whitespace that is
//   neither in filters nor the split string (e.g. '\r', U+3000) stays inside words, as in Keras.
// ptb: the PyTorch word_language_model reading of Penn Treebank text: every line (ended by
//   '\n'; a final line without one counts when it is not empty) is split on whitespace
//   (Python's str.split()) and followed by the end-of-sentence word; nothing else changes.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rnngen::text {

struct Word {
  std::string text;
  size_t offset;  // byte offset in the source text where the word starts (for messages)
  size_t end = 0;  // byte offset just past its last source character (for bits per character)
};

struct KerasSplitOptions {
  bool lower = true;
  std::string filters;  // each code point is a filter character
  std::string split;    // must not be empty
};

std::vector<Word> keras_words(std::string_view text, const KerasSplitOptions& options,
                              const std::string& source);
std::vector<Word> ptb_words(std::string_view text, const std::string& eos,
                            const std::string& source);

}  // namespace rnngen::text
