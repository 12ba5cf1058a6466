#include "text/batching.h"

#include <algorithm>
#include <numeric>

namespace rnngen::text {

StreamBatches::StreamBatches(const std::vector<int32_t>& ids, int batch, int seq_len)
    : ids_(ids), batch_(batch), seq_len_(seq_len) {
  length_ = static_cast<int64_t>(ids.size()) / batch;
  // Every stream predicts length_ - 1 tokens.
  windows_ = length_ >= 2 ? static_cast<int>((length_ - 2) / seq_len + 1) : 0;
}

void StreamBatches::get(int w, Window& out) const {
  const int64_t start = static_cast<int64_t>(w) * seq_len_;
  const int len = static_cast<int>(std::min<int64_t>(seq_len_, length_ - 1 - start));
  out.batch = batch_;
  out.len = len;
  out.reset_state = w == 0;
  out.ids.resize(static_cast<size_t>(batch_) * len);
  out.targets.resize(out.ids.size());
  for (int b = 0; b < batch_; ++b) {
    const int32_t* s = ids_.data() + static_cast<int64_t>(b) * length_ + start;
    std::copy(s, s + len, out.ids.begin() + static_cast<size_t>(b) * len);
    std::copy(s + 1, s + 1 + len, out.targets.begin() + static_cast<size_t>(b) * len);
  }
}

void slice_rows(const Window& full, int begin, int end, Window& out) {
  const size_t len = static_cast<size_t>(full.len);
  out.batch = end - begin;
  out.len = full.len;
  out.reset_state = full.reset_state;
  out.ids.assign(full.ids.begin() + begin * len, full.ids.begin() + end * len);
  out.targets.assign(full.targets.begin() + begin * len, full.targets.begin() + end * len);
}

LineBatches::LineBatches(std::vector<std::vector<int32_t>> lines, int batch, int seq_len)
    : batch_(batch), seq_len_(seq_len) {
  for (auto& l : lines)
    if (l.size() >= 2) lines_.push_back(std::move(l));
  order_.resize(lines_.size());
  std::iota(order_.begin(), order_.end(), size_t{0});
  plan();
}

void LineBatches::shuffle(Rng& rng) {
  std::iota(order_.begin(), order_.end(), size_t{0});
  for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng.below(i)]);
  plan();
}

void LineBatches::plan() {
  plan_.clear();
  for (size_t first = 0; first < lines_.size(); first += batch_) {
    const int count = static_cast<int>(std::min<size_t>(batch_, lines_.size() - first));
    size_t longest = 0;
    for (int k = 0; k < count; ++k) longest = std::max(longest, line(first + k).size());
    for (size_t off = 0; off + 1 < longest; off += seq_len_)
      plan_.push_back({static_cast<int>(first), count, static_cast<int>(off)});
  }
}

void LineBatches::get(int w, Window& out) const {
  const Step& s = plan_[w];
  size_t longest = 0;
  for (int k = 0; k < s.count; ++k) longest = std::max(longest, line(s.first_line + k).size());
  const int len = static_cast<int>(std::min<size_t>(seq_len_, longest - 1 - s.offset));
  out.batch = s.count;
  out.len = len;
  out.reset_state = s.offset == 0;
  out.ids.assign(static_cast<size_t>(s.count) * len, 0);
  out.targets.assign(out.ids.size(), -1);
  for (int b = 0; b < s.count; ++b) {
    const auto& ids = line(s.first_line + b);
    for (int t = 0; t < len; ++t) {
      const size_t p = s.offset + t;
      if (p + 1 >= ids.size()) break;
      out.ids[static_cast<size_t>(b) * len + t] = ids[p];
      out.targets[static_cast<size_t>(b) * len + t] = ids[p + 1];
    }
  }
}

}  // namespace rnngen::text
