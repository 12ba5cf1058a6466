// rnngen::run_together (include/rnngen/model.h): every call runs, all at once (each waits until
// all have started: calls made one after another would wait for ever, here 10 s, and fail), and
// the first exception comes back after every call has ended.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "rnngen/model.h"

namespace rnngen {
namespace {

TEST(RunTogether, CallsRunAtOnce) {
  const int n = 6;
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  std::vector<int> saw_all(n, 0);
  run_together(n, [&](int i) {
    std::unique_lock lock(mu);
    ++started;
    cv.notify_all();
    saw_all[i] = cv.wait_for(lock, std::chrono::seconds(10), [&] { return started == n; });
  });
  EXPECT_EQ(saw_all, std::vector<int>(n, 1));
}

TEST(RunTogether, RethrowsAfterEveryCallEnded) {
  std::atomic<int> ended{0};
  EXPECT_THROW(run_together(5,
                            [&](int i) {
                              if (i == 2) throw std::runtime_error("call 2");
                              ++ended;
                            }),
               std::runtime_error);
  EXPECT_EQ(ended.load(), 4);
  int calls = 0;
  run_together(1, [&](int i) { calls += i == 0; });  // one call, on this thread
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace rnngen
