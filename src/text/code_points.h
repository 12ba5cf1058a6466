// Small UTF-8 helpers private to the word, jamo and subword tokenizers: walking code points
// with their byte offsets, appending a code point, and naming a place in a text for error
// messages. (utf8.h is the project-wide UTF-8 module; these stay tiny on purpose and can be
// folded into it.)
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/utf8.h"

namespace rnngen::text {

struct CodePoint {
  char32_t value;
  size_t offset;  // byte offset of its first byte in the text
};

// The code point that starts at byte pos of text, and its length in bytes. Invalid UTF-8 is
// an InputError naming source and the byte offset.
std::pair<char32_t, size_t> code_point_at(std::string_view text, size_t pos,
                                          const std::string& source);

// The code points of text. Invalid UTF-8 is an InputError naming source and the byte offset.
std::vector<CodePoint> code_points(std::string_view text, const std::string& source);

// How many code points of text lie entirely in its first `bytes` bytes.
size_t whole_code_points_before(std::string_view text, size_t bytes, const std::string& source);

// Encoding: append_utf8 / encode_utf8 in utf8.h.

// "U+1161": how messages name a code point that may not print.
std::string code_point_name(char32_t cp);

// "source:line:column: " for the byte offset in text (1-based line; column counts code points
// from 1), or "" when source is empty: messages then name only the symbol.
std::string source_position(std::string_view text, size_t offset, const std::string& source);

}  // namespace rnngen::text
