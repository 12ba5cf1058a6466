#include "text/csv.h"

#include <csv.h>

#include <algorithm>
#include <fstream>
#include <new>
#include <sstream>

#include "rnngen/error.h"

namespace rnngen::text {
namespace {

int no_spaces(unsigned char) { return 0; }  // keep spaces: they are data in RFC 4180

// What libcsv's callbacks collect. They never throw: an exception must not unwind through
// libcsv's C frames, so the records are checked after parsing.
struct Collector {
  std::vector<std::vector<std::string>> records;
  std::vector<size_t> record_lines;  // the line each record starts on
  std::vector<std::string> record;
  size_t record_line = 1;
  bool in_record = false;  // bytes of a record were fed since the last record ended
};

void on_field(void* data, size_t size, void* collector) {
  static_cast<Collector*>(collector)->record.emplace_back(static_cast<const char*>(data), size);
}

void on_record(int, void* collector) {
  auto* c = static_cast<Collector*>(collector);
  c->records.push_back(std::move(c->record));
  c->record_lines.push_back(c->record_line);
  c->record.clear();
  c->in_record = false;
}

struct Parser {
  csv_parser p;
  Parser() {
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) throw std::bad_alloc();
    csv_set_space_func(&p, no_spaces);
  }
  ~Parser() { csv_free(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

}  // namespace

CsvTable parse_csv(std::string_view data, const std::string& source) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  Parser parser;
  Collector c;
  // Feeding one physical line at a time tells which line each record starts on: the first
  // non-blank line fed while no record is open.
  size_t line = 0, pos = 0;
  while (pos < data.size()) {
    ++line;
    const size_t nl = data.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    const std::string_view chunk = data.substr(pos, end - pos);
    if (!c.in_record && chunk != "\n" && chunk != "\r\n") {
      c.record_line = line;
      c.in_record = true;
    }
    if (csv_parse(&parser.p, chunk.data(), chunk.size(), on_field, on_record, &c) != chunk.size())
      throw InputError(source + ":" + std::to_string(line) + ": malformed CSV (" +
                       csv_strerror(csv_error(&parser.p)) +
                       "): a quote inside an unquoted field, or text after a closing quote");
    pos = end;
  }
  if (csv_fini(&parser.p, on_field, on_record, &c) != 0 || csv_error(&parser.p) != CSV_SUCCESS)
    throw InputError(source + ":" + std::to_string(c.record_line) +
                     ": malformed CSV: a quoted field is never closed");

  if (c.records.empty()) throw InputError(source + ": the CSV file is empty (no header)");
  CsvTable table;
  table.header = std::move(c.records[0]);
  for (size_t r = 1; r < c.records.size(); ++r) {
    if (c.records[r].size() != table.header.size())
      throw InputError(source + ":" + std::to_string(c.record_lines[r]) + ": the record has " +
                       std::to_string(c.records[r].size()) + " fields, the header has " +
                       std::to_string(table.header.size()));
    table.rows.push_back(std::move(c.records[r]));
  }
  return table;
}

CsvTable read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the file");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read the file");
  return parse_csv(bytes.str(), path);
}

std::vector<std::string> csv_column(const CsvTable& table, const std::string& column,
                                    const std::string& source) {
  size_t index = table.header.size();
  for (size_t i = 0; i < table.header.size(); ++i)
    if (table.header[i] == column) {
      index = i;
      break;
    }
  if (index == table.header.size()) {
    std::string names;
    for (const auto& h : table.header) names += (names.empty() ? "" : ", ") + h;
    throw InputError(source + ": no column \"" + column + "\"; the columns are: " + names);
  }
  std::vector<std::string> values;
  values.reserve(table.rows.size());
  for (const auto& row : table.rows) values.push_back(row[index]);
  return values;
}

std::vector<std::string> read_csv_column(const std::string& path, const std::string& column) {
  return csv_column(read_csv(path), column, path);
}

std::string csv_column_as_lines(const CsvTable& table, const std::string& column,
                                const std::vector<std::string>& drop, const std::string& source) {
  std::string out;
  for (std::string value : csv_column(table, column, source)) {
    if (std::find(drop.begin(), drop.end(), value) != drop.end()) continue;
    std::replace(value.begin(), value.end(), '\r', ' ');
    std::replace(value.begin(), value.end(), '\n', ' ');
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace rnngen::text
