// A process's rows of a global stream window (data-parallel training) are the streams that one
// process would read for those rows: stream b starts at token b * (N / B).
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "text/batching.h"

namespace rnngen::text {
namespace {

TEST(SliceRows, StreamRowsAreTheirStreams) {
  std::vector<int32_t> ids(100);
  std::iota(ids.begin(), ids.end(), 0);
  const StreamBatches sb(ids, 4, 5);  // 4 streams of 25 tokens
  Window full, mine;
  sb.get(1, full);
  slice_rows(full, 2, 4, mine);
  ASSERT_EQ(mine.batch, 2);
  ASSERT_EQ(mine.len, 5);
  EXPECT_FALSE(mine.reset_state);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 5; ++t) {
      EXPECT_EQ(mine.ids[b * 5 + t], (2 + b) * 25 + 5 + t);
      EXPECT_EQ(mine.targets[b * 5 + t], (2 + b) * 25 + 5 + t + 1);
    }
  slice_rows(full, 3, 3, mine);  // no rows here: an empty window of the same length
  EXPECT_EQ(mine.batch, 0);
  EXPECT_TRUE(mine.ids.empty());
}

}  // namespace
}  // namespace rnngen::text
