#include "train/training_text.h"

#include "text/utf8.h"

namespace rnngen::train {

std::string read_training_text(const std::vector<std::string>& files) {
  std::string all;
  for (const auto& f : files) {
    if (!all.empty() && all.back() != '\n') all += '\n';
    all += text::read_text_file(f);
  }
  return all;
}

void split_validation(const std::string& all, double fraction, bool lines, bool words, std::string& train,
                      std::string& val) {
  const size_t at = all.size() - static_cast<size_t>(static_cast<double>(all.size()) * fraction);
  size_t cut = at;
  while (cut < all.size() && (static_cast<unsigned char>(all[cut]) & 0xC0) == 0x80) ++cut;
  if (lines || words) {
    const size_t nl = cut ? all.rfind('\n', cut - 1) : std::string::npos;
    cut = nl == std::string::npos ? 0 : nl + 1;
  }
  if (words && !lines && cut == 0 && at > 0) {
    const size_t space = all.find_last_of(" \t", at - 1);
    cut = space == std::string::npos ? 0 : space + 1;
  }
  train = all.substr(0, cut);
  val = all.substr(cut);
}

}  // namespace rnngen::train
