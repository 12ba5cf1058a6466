// LineBatches deals each epoch's order from the RNG alone, so a resumed run that restores the
// RNG state saved at an epoch's start deals exactly the same order.
#include <gtest/gtest.h>

#include <algorithm>

#include "text/batching.h"

namespace rnngen::text {
namespace {

std::vector<std::vector<int32_t>> numbered_lines(int n) {
  std::vector<std::vector<int32_t>> lines;
  for (int i = 0; i < n; ++i) lines.push_back({i, i, i});  // line i is recognisable by its ids
  return lines;
}

std::vector<int32_t> first_ids(const LineBatches& b) {
  std::vector<int32_t> out;
  Window w;
  for (int i = 0; i < b.windows(); ++i) {
    b.get(i, w);
    for (int k = 0; k < w.batch; ++k) out.push_back(w.ids[static_cast<size_t>(k) * w.len]);
  }
  return out;
}

TEST(LineBatches, ShuffleDependsOnlyOnTheRngNotOnEarlierShuffles) {
  LineBatches many(numbered_lines(20), 3, 4), fresh(numbered_lines(20), 3, 4);
  Rng a(5);
  many.shuffle(a);  // epoch 0
  const std::string epoch1_start = a.save();
  many.shuffle(a);  // epoch 1, dealt after epoch 0's order
  Rng b;
  b.load(epoch1_start);
  fresh.shuffle(b);  // epoch 1, dealt from the file order (what --resume does)
  EXPECT_EQ(first_ids(many), first_ids(fresh));
  EXPECT_EQ(a.save(), b.save());
}

TEST(LineBatches, ShuffleIsAPermutation) {
  LineBatches b(numbered_lines(20), 3, 4);
  Rng r(1);
  b.shuffle(r);
  std::vector<int32_t> ids = first_ids(b);
  EXPECT_NE(ids, first_ids(LineBatches(numbered_lines(20), 3, 4)));
  std::sort(ids.begin(), ids.end());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ids[i], i);
}

}  // namespace
}  // namespace rnngen::text
