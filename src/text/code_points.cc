#include "text/code_points.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>

#include "rnngen/error.h"

namespace rnngen::text {

std::pair<char32_t, size_t> code_point_at(std::string_view text, size_t pos,
                                          const std::string& source) {
  utf8proc_int32_t cp = -1;
  const utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + pos,
                       static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  if (n <= 0 || cp < 0)
    throw InputError((source.empty() ? std::string("text") : source) +
                     ": invalid UTF-8 at byte offset " + std::to_string(pos));
  return {static_cast<char32_t>(cp), static_cast<size_t>(n)};
}

std::vector<CodePoint> code_points(std::string_view text, const std::string& source) {
  std::vector<CodePoint> out;
  for (size_t pos = 0; pos < text.size();) {
    const auto [cp, n] = code_point_at(text, pos, source);
    out.push_back({cp, pos});
    pos += n;
  }
  return out;
}

size_t whole_code_points_before(std::string_view text, size_t bytes, const std::string& source) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t n = code_point_at(text, pos, source).second;
    if (pos + n > bytes) break;
    ++count;
    pos += n;
  }
  return count;
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::string source_position(std::string_view text, size_t offset, const std::string& source) {
  if (source.empty()) return "";
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  size_t column = 1;
  // Continuation bytes (10xxxxxx) do not start a code point.
  for (size_t i = line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

}  // namespace rnngen::text
