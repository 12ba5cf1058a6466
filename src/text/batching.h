// How a token sequence becomes training windows.
//
// Stream mode (char-rnn, torch-rnn, PyTorch's word_language_model): the text is cut into B
// contiguous streams of L = N / B tokens; window w covers positions [w*T, w*T + len) of every
// stream, len = min(T, L - 1 - w*T), with targets one token ahead in the same stream. The state
// is carried from one window to the next (detached) and reset at the start of an epoch.
//
// Lines mode (Keras prefix training): every line is its own sequence starting from a zero
// state, the first token given and every later one predicted. Lines are grouped B at a time,
// padded with target -1 (not counted); a line longer than T is split into windows with the
// state carried inside the line.
#pragma once
#include <cstdint>
#include <vector>

#include "util/rng.h"

namespace rnngen::text {

struct Window {
  int batch = 0, len = 0;
  std::vector<int32_t> ids, targets;  // [batch, len] batch-first; target -1 = not counted
  bool reset_state = false;           // start from a zero state (new epoch / new group of lines)
};

// Rows [begin, end) of `full` (a process's share of a global batch, dist::row_share).
void slice_rows(const Window& full, int begin, int end, Window& out);

class StreamBatches {
 public:
  StreamBatches(const std::vector<int32_t>& ids, int batch, int seq_len);
  int windows() const { return windows_; }
  int batch() const { return batch_; }
  int64_t stream_length() const { return length_; }
  // Window w of the epoch (w = 0 resets the state).
  void get(int w, Window& out) const;

 private:
  const std::vector<int32_t>& ids_;
  int batch_, seq_len_, windows_ = 0;
  int64_t length_ = 0;
};

class LineBatches {
 public:
  // lines: token ids of each line (a line needs at least 2 tokens to predict anything; shorter
  // ones are dropped).
  LineBatches(std::vector<std::vector<int32_t>> lines, int batch, int seq_len);
  // Deals the lines in a new order for an epoch (Keras shuffles by default). The order is a
  // permutation of the original one drawn from rng alone, not of the previous epoch's order,
  // so a resumed run re-deals an epoch from the RNG state saved at its start.
  void shuffle(Rng& rng);
  int windows() const { return static_cast<int>(plan_.size()); }
  void get(int w, Window& out) const;
  size_t lines() const { return lines_.size(); }

 private:
  void plan();
  struct Step {
    int first_line, count, offset;  // lines [first, first+count), positions from offset
  };
  const std::vector<int32_t>& line(size_t i) const { return lines_[order_[i]]; }
  std::vector<std::vector<int32_t>> lines_;  // in file order, never reordered
  std::vector<size_t> order_;                // this epoch's order: indices into lines_
  int batch_, seq_len_;
  std::vector<Step> plan_;
};

}  // namespace rnngen::text
