// UTF-8 decoding with strict validation, encoding, NFC normalisation (utf8proc) and the
// line:column positions that error messages use. A "char" in rnngen is one code point of
// NFC-normalised text.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace rnngen::text {

// Decodes the code point starting at bytes[pos] and advances pos past it. Rejects what the
// Unicode standard calls ill-formed: stray continuation bytes, overlong forms, surrogates
// (U+D800..U+DFFF), values above U+10FFFF and truncated sequences. On failure returns false
// and leaves pos at the offending sequence's first byte.
bool next_code_point(std::string_view bytes, size_t& pos, char32_t& cp);

// Throws InputError "SOURCE: invalid UTF-8 at byte offset N (line L, column C): WHY" at the
// first ill-formed sequence. Returns the number of code points.
size_t validate_utf8(std::string_view bytes, const std::string& source);

std::u32string decode_utf8(std::string_view bytes, const std::string& source);

// Appends the UTF-8 form of cp. cp must be a Unicode scalar value (not a surrogate, at most
// U+10FFFF): anything else is a caller bug, std::invalid_argument.
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(char32_t cp);
std::string encode_utf8(std::u32string_view cps);

// Canonical composition (NFC) of valid UTF-8, so that "e" + U+0301 and U+00E9 are the same
// char. Invalid UTF-8 is an InputError "text: invalid UTF-8 at byte offset N ...".
std::string nfc(std::string_view utf8);

// Text as Python's open(path, encoding="utf-8-sig") reads it, which is what the seeds' Keras
// code trained on: a leading byte order mark dropped, CRLF and lone CR line ends as '\n'.
// (Kept, a Windows file's "word\r" at every line end was a word apart from "word", and its
// BOM a character of the first word.)
std::string universal_newlines(std::string_view utf8);

// read_file + validate_utf8 + universal_newlines + nfc. InputError "PATH: file is empty" for a
// file with no text (no bytes, or only a byte order mark).
std::string read_text_file(const std::string& path);

// 1-based line and column; columns count code points, lines end at '\n'.
struct TextPos {
  size_t line = 1;
  size_t column = 1;
};
// Position of the character starting at byte_offset of UTF-8 text (bytes past the end count
// as if the text continued on its last line). Works on invalid UTF-8 too: every byte that is
// not a continuation byte counts as one column.
TextPos position_at_byte(std::string_view utf8, size_t byte_offset);
// Position of code point number `index` of decoded text.
TextPos position_at_index(std::u32string_view text, size_t index);
// "L:C"
std::string to_string(const TextPos& pos);

// How a character appears in messages: 'x' (U+0078); invisible ones by escape or code only,
// so a message always stays on one readable line: '\n' (U+000A), U+200B.
std::string describe_char(char32_t cp);

}  // namespace rnngen::text
