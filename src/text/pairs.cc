#include "text/pairs.h"

#include "rnngen/error.h"
#include "text/csv.h"
#include "text/utf8.h"

namespace rnngen::text {

std::string describe_separator(const std::string& separator) {
  return separator == "\t" ? "a tab" : "'" + separator + "'";
}

std::vector<TextPair> read_pairs(const std::string& path, const std::string& separator) {
  const std::string all = read_text_file(path);
  std::vector<TextPair> out;
  size_t start = 0;
  int line = 0;
  while (start < all.size()) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    ++line;
    const std::string_view l(all.data() + start, end - start);
    start = end + 1;
    if (l.empty()) continue;
    const size_t at = l.find(separator);
    const std::string where = path + ":" + std::to_string(line);
    if (at == std::string_view::npos)
      throw InputError(where + ": no separator " + describe_separator(separator) +
                       " between source and target (--separator sets it)");
    TextPair p{std::string(l.substr(0, at)), std::string(l.substr(at + separator.size())), line};
    if (p.source.empty()) throw InputError(where + ": empty source before the separator");
    if (p.target.empty()) throw InputError(where + ": empty target after the separator");
    out.push_back(std::move(p));
  }
  if (out.empty()) throw InputError(path + ": no source/target pairs");
  return out;
}

std::vector<TextPair> read_csv_pairs(const std::string& path, const std::string& source_column,
                                     const std::string& target_column) {
  // Through read_text_file, so the CSV gets the same UTF-8 checks and NFC as text data.
  const CsvTable t = parse_csv(read_text_file(path), path);
  const std::vector<std::string> src = csv_column(t, source_column, path);
  const std::vector<std::string> tgt = csv_column(t, target_column, path);
  std::vector<TextPair> out;
  auto flat = [](std::string s) {
    for (char& c : s)
      if (c == '\r' || c == '\n') c = ' ';
    return s;
  };
  for (size_t i = 0; i < src.size(); ++i) {
    // Line numbers: the header is line 1; records of one line each follow (a record spanning
    // lines shifts later numbers, so the message names the record too).
    const std::string where = path + ": record " + std::to_string(i + 1);
    TextPair p{flat(src[i]), flat(tgt[i]), static_cast<int>(i + 2)};
    if (p.source.empty()) throw InputError(where + ": empty " + source_column);
    if (p.target.empty()) throw InputError(where + ": empty " + target_column);
    out.push_back(std::move(p));
  }
  if (out.empty()) throw InputError(path + ": no records");
  return out;
}

}  // namespace rnngen::text
