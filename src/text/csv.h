// CSV files as RFC 4180 defines them: fields separated by commas, records by CRLF or LF,
// quoted fields may hold commas, newlines and doubled quotes. The first record is the header.
// Parsing is libcsv's (strict mode); this file adds what it leaves to callers: the header,
// equal field counts, line numbers in messages, and spaces kept as data (libcsv trims them by
// default, RFC 4180 says they are part of the field). Empty lines between records are skipped.
// A UTF-8 byte-order mark before the header is ignored.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace rnngen::text {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each has header.size() fields
};

// data: the file's bytes; source names it in messages. A malformed record (a stray or
// unterminated quote, a field count that differs from the header's) is an InputError naming
// source and the line the record starts on.
CsvTable parse_csv(std::string_view data, const std::string& source);
CsvTable read_csv(const std::string& path);

// The values of one column, top to bottom. A column that does not exist is an InputError
// listing the columns there are.
std::vector<std::string> read_csv_column(const std::string& path, const std::string& column);
std::vector<std::string> csv_column(const CsvTable& table, const std::string& column,
                                    const std::string& source);

// One column as training text, one value per line: rows whose value equals one of `drop`
// are left out (seed 003 drops the NYT placeholder headline "Unknown"), and a CR or LF inside
// a value becomes a space, since each line is one sequence. A missing column is an
// InputError listing the columns.
std::string csv_column_as_lines(const CsvTable& table, const std::string& column,
                                const std::vector<std::string>& drop, const std::string& source);

}  // namespace rnngen::text
