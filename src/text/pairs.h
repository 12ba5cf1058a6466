// Seq2seq data: (source, target) pairs from `source SEP target` lines or from two CSV columns.
// Text goes through read_text_file (UTF-8 checked, BOM and CRLF handled, NFC). Each pair
// remembers its line for messages.
#pragma once
#include <string>
#include <vector>

namespace rnngen::text {

struct TextPair {
  std::string source, target;
  int line = 0;  // 1-based line (CSV: the line its record starts on)
};

// Lines split at the first `separator`. Empty lines are skipped; a line without the separator,
// or with an empty source or target, is an InputError naming path:line.
std::vector<TextPair> read_pairs(const std::string& path, const std::string& separator);

// Two columns of a CSV file (header row first). A column that does not exist is an InputError
// listing the columns there are; an empty value is one naming path:line. CR/LF inside a value
// become spaces (each pair is one line of text to the tokenizer).
std::vector<TextPair> read_csv_pairs(const std::string& path, const std::string& source_column,
                                     const std::string& target_column);

// How messages name a separator: "a tab", else the separator in quotes.
std::string describe_separator(const std::string& separator);

}  // namespace rnngen::text
