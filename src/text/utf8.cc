#include "text/utf8.h"

#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "io/atomic_file.h"
#include "rnngen/error.h"

namespace rnngen::text {
namespace {

// Why the sequence at pos is ill-formed, for the error message. Only called after
// next_code_point failed there.
const char* utf8_problem(std::string_view b, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  unsigned char c = byte(pos);
  if (c >= 0x80 && c < 0xC0) return "unexpected continuation byte";
  if (c == 0xC0 || c == 0xC1) return "overlong encoding";
  if (c >= 0xF5) return "byte that never appears in UTF-8";
  size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  for (size_t i = 1; i < len; ++i)
    if (pos + i >= b.size() || (byte(pos + i) & 0xC0) != 0x80) return "truncated sequence";
  if (c == 0xE0 && byte(pos + 1) < 0xA0) return "overlong encoding";
  if (c == 0xF0 && byte(pos + 1) < 0x90) return "overlong encoding";
  if (c == 0xED && byte(pos + 1) >= 0xA0) return "surrogate code point";
  if (c == 0xF4 && byte(pos + 1) >= 0x90) return "code point above U+10FFFF";
  return "ill-formed sequence";
}

std::string line_column(const TextPos& p) {
  return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
}

[[noreturn]] void throw_invalid(std::string_view bytes, size_t pos, const std::string& source) {
  throw InputError(source + ": invalid UTF-8 at byte offset " + std::to_string(pos) + " (" +
                   line_column(position_at_byte(bytes, pos)) + "): " + utf8_problem(bytes, pos));
}

// NFC of text already known to be valid UTF-8.
std::string nfc_valid(std::string_view utf8) {
  // ASCII is already NFC; most corpora are mostly ASCII, and utf8proc would copy them anyway.
  bool ascii = true;
  for (char c : utf8)
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) return std::string(utf8);

  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                    static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE |
                                                                   UTF8PROC_COMPOSE));
  if (n < 0) throw std::runtime_error(std::string("NFC normalisation failed: ") +
                                      utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

}  // namespace

bool next_code_point(std::string_view b, size_t& pos, char32_t& cp) {
  const size_t n = b.size();
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  const auto cont = [&](size_t i) { return i < n && (byte(i) & 0xC0) == 0x80; };
  unsigned char c = byte(pos);
  if (c < 0x80) {
    cp = c;
    pos += 1;
    return true;
  }
  // The second-byte ranges are those of the Unicode standard's table of well-formed
  // sequences (Table 3-7); they exclude overlongs, surrogates and values past U+10FFFF.
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(pos + 1)) return false;
    cp = (char32_t(c & 0x1F) << 6) | (byte(pos + 1) & 0x3F);
    pos += 2;
    return true;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(pos + 1) || !cont(pos + 2)) return false;
    unsigned char c1 = byte(pos + 1);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;
    cp = (char32_t(c & 0x0F) << 12) | (char32_t(c1 & 0x3F) << 6) | (byte(pos + 2) & 0x3F);
    pos += 3;
    return true;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(pos + 1) || !cont(pos + 2) || !cont(pos + 3)) return false;
    unsigned char c1 = byte(pos + 1);
    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return false;
    cp = (char32_t(c & 0x07) << 18) | (char32_t(c1 & 0x3F) << 12) |
         (char32_t(byte(pos + 2) & 0x3F) << 6) | (byte(pos + 3) & 0x3F);
    pos += 4;
    return true;
  }
  return false;
}

size_t validate_utf8(std::string_view bytes, const std::string& source) {
  size_t count = 0;
  char32_t cp;
  for (size_t pos = 0; pos < bytes.size(); ++count)
    if (!next_code_point(bytes, pos, cp)) throw_invalid(bytes, pos, source);
  return count;
}

std::u32string decode_utf8(std::string_view bytes, const std::string& source) {
  std::u32string out;
  out.reserve(bytes.size());
  char32_t cp;
  for (size_t pos = 0; pos < bytes.size();) {
    if (!next_code_point(bytes, pos, cp)) throw_invalid(bytes, pos, source);
    out.push_back(cp);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF)
      throw std::invalid_argument("append_utf8: surrogate code point is not a character");
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    throw std::invalid_argument("append_utf8: code point above U+10FFFF");
  }
}

std::string encode_utf8(char32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

std::string encode_utf8(std::u32string_view cps) {
  std::string s;
  s.reserve(cps.size());
  for (char32_t cp : cps) append_utf8(s, cp);
  return s;
}

std::string nfc(std::string_view utf8) {
  validate_utf8(utf8, "text");  // utf8proc only says "invalid"; we say where
  return nfc_valid(utf8);
}

std::string universal_newlines(std::string_view utf8) {
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.remove_prefix(3);
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size(); ++i) {
    if (utf8[i] != '\r') {
      out += utf8[i];
      continue;
    }
    out += '\n';
    if (i + 1 < utf8.size() && utf8[i + 1] == '\n') ++i;
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  const std::string bytes = io::read_file(path);
  validate_utf8(bytes, path);  // before any change, so that offsets are the file's
  const std::string text = universal_newlines(bytes);
  if (text.empty()) throw InputError(path + ": file is empty");
  return nfc_valid(text);
}

TextPos position_at_byte(std::string_view utf8, size_t byte_offset) {
  TextPos p;
  const size_t end = std::min(byte_offset, utf8.size());
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  p.column += byte_offset - end;
  return p;
}

TextPos position_at_index(std::u32string_view text, size_t index) {
  TextPos p;
  const size_t end = std::min(index, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == U'\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  p.column += index - end;
  return p;
}

std::string to_string(const TextPos& pos) {
  return std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

std::string describe_char(char32_t cp) {
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
  switch (cp) {
    case U'\n': return std::string("'\\n' (") + code + ")";
    case U'\t': return std::string("'\\t' (") + code + ")";
    case U'\r': return std::string("'\\r' (") + code + ")";
    case U'\'': return std::string("\"'\" (") + code + ")";
    default: break;
  }
  // Characters that print as nothing, move the cursor or break the line are shown by code
  // alone: controls, format characters, separators other than space, and non-characters.
  bool invisible = cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
  if (!invisible) {
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
      case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
      case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZL:
      case UTF8PROC_CATEGORY_ZP:
        invisible = true;
        break;
      case UTF8PROC_CATEGORY_ZS:
        invisible = cp != U' ';
        break;
      default:
        break;
    }
  }
  if (invisible) return code;
  std::string out(1, '\'');
  append_utf8(out, cp);
  out.append("' (").append(code).append(")");
  return out;
}

}  // namespace rnngen::text
