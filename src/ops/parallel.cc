#include "ops/parallel.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace rnngen::ops {

namespace {
std::atomic<int> g_fast{-1};  // -1: not yet read from the environment
}

bool fast_kernels() {
  int v = g_fast.load(std::memory_order_relaxed);
  if (v < 0) {
    const char* e = std::getenv("RNNGEN_REF_KERNELS");
    v = (e && *e && std::strcmp(e, "0") != 0) ? 0 : 1;
    g_fast.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}

void set_fast_kernels(bool on) { g_fast.store(on ? 1 : 0, std::memory_order_relaxed); }

}  // namespace rnngen::ops
