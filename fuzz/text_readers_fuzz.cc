// libFuzzer target: the readers of training and evaluation text, on the same bytes: the UTF-8
// decoder, the text file reader (universal newlines, NFC), the CSV reader and its column
// extraction, and code-point positions for messages. Each must return or throw InputError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_file.h"
#include "rnngen/error.h"
#include "text/code_points.h"
#include "text/csv.h"
#include "text/utf8.h"

namespace t = rnngen::text;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    t::decode_utf8(bytes, "fuzz");
  } catch (const rnngen::InputError&) {
  }
  const std::string path = rnngen::fuzz::write_input("text.txt", data, size);
  try {
    t::read_text_file(path);
  } catch (const rnngen::InputError&) {
  }
  try {
    const t::CsvTable table = t::parse_csv(bytes, "fuzz.csv");
    if (!table.header.empty()) t::csv_column(table, table.header.front(), "fuzz.csv");
  } catch (const rnngen::InputError&) {
  }
  try {
    t::code_points(bytes, "fuzz");
    t::source_position(bytes, size / 2, "fuzz");
  } catch (const rnngen::InputError&) {
  }
  return 0;
}
