#include "api/summary_table.h"

#include <algorithm>
#include <array>
#include <sstream>

namespace rnngen::api {

namespace {

constexpr int kLine = 65;
constexpr std::array<int, 3> kEnds = {29, 55, 65};

// One table row; cells too wide for their column (less a 2-space gap, except the last) go on
// continuing lines.
void print_row(std::ostringstream& os, std::array<std::string, 3> cells) {
  do {
    std::string line;
    for (size_t col = 0; col < cells.size(); ++col) {
      const int start = col == 0 ? 0 : kEnds[col - 1];
      const int gap = col + 1 == cells.size() ? 0 : 2;
      const size_t width = static_cast<size_t>(kEnds[col] - start - gap);
      if (col == 0) line += ' ';
      line += cells[col].substr(0, width);
      cells[col].erase(0, std::min(width, cells[col].size()));
      line += std::string(gap, ' ');
      if (static_cast<int>(line.size()) < kEnds[col]) line.append(kEnds[col] - line.size(), ' ');
    }
    os << line << '\n';
  } while (!cells[0].empty() || !cells[1].empty() || !cells[2].empty());
}

}  // namespace

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (k && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return n < 0 ? "-" + out : out;
}

std::string format_summary(const std::string& model_name, const std::vector<SummaryRow>& rows) {
  std::ostringstream os;
  int64_t total = 0;
  os << "Model: \"" << model_name << "\"\n" << std::string(kLine, '_') << '\n';
  print_row(os, {"Layer (type)", "Output Shape", "Param #"});
  os << std::string(kLine, '=') << '\n';
  for (const auto& r : rows) {
    print_row(os, {r.layer, r.output_shape, std::to_string(r.params)});
    os << std::string(kLine, ' ') << '\n';
    total += r.params;
  }
  os << std::string(kLine, '=') << '\n';
  os << "Total params: " << with_thousands(total) << '\n';
  os << "Trainable params: " << with_thousands(total) << '\n';
  os << "Non-trainable params: 0\n";
  os << std::string(kLine, '_') << '\n';
  return os.str();
}

}  // namespace rnngen::api
