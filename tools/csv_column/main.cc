// rnngen-csv-column FILE COLUMN [--drop VALUE]...: print one column of a CSV file as lines of
// text, for `rnngen train` and for shell preprocessing in between (seed 003's headlines). The
// parsing, the column lookup and the line rules are in src/text/csv.*; this is only the
// command line. Exit status as rnngen's: 2 for bad input (a malformed row names its line, a
// missing column lists the columns), 1 for anything else.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "rnngen/error.h"
#include "text/csv.h"

int main(int argc, char** argv) {
  CLI::App app{"Print one column of a CSV file (RFC 4180, header row) as lines of text"};
  std::string file, column;
  std::vector<std::string> drop;
  app.add_option("FILE", file, "CSV file whose first row names the columns")->required();
  app.add_option("COLUMN", column, "name of the column to print")->required();
  app.add_option("--drop", drop, "leave out rows whose value is exactly this (repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    const std::string lines =
        rnngen::text::csv_column_as_lines(rnngen::text::read_csv(file), column, drop, file);
    std::fwrite(lines.data(), 1, lines.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  } catch (const rnngen::InputError& e) {
    std::fprintf(stderr, "rnngen-csv-column: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnngen-csv-column: error: %s\n", e.what());
    return 1;
  }
}
