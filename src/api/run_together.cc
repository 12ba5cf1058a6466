#include <exception>
#include <thread>
#include <vector>

#include "rnngen/model.h"

namespace rnngen {

void run_together(int n, const std::function<void(int i)>& each) {
  if (n == 1) return each(0);
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  auto join_all = [&] {
    for (std::thread& t : threads) t.join();
  };
  try {
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        try {
          each(i);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
  } catch (...) {  // no thread to be had: those started end first (a joinable thread may not be destroyed)
    join_all();
    throw;
  }
  join_all();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace rnngen
