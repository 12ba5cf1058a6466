#include "ops/cpu.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace rnngen::ops {

namespace {

std::atomic<int> g_cap{-1};  // -1: not yet read from the environment

bool capped() {
  int v = g_cap.load(std::memory_order_relaxed);
  if (v < 0) {
    const char* e = std::getenv("RNNGEN_MAX_ISA");
    v = (e && std::strcmp(e, "avx2") == 0) ? 1 : 0;
    g_cap.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}

bool cpu_avx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  return has;
}

}  // namespace

bool avx512() { return cpu_avx512() && !capped(); }

bool avx512_vnni() {
  static const bool has = __builtin_cpu_supports("avx512vnni");
  return avx512() && has;
}

bool avx512_bf16() {
  static const bool has = __builtin_cpu_supports("avx512bf16");
  return avx512() && has;
}

void cap_isa_at_avx2(bool on) { g_cap.store(on ? 1 : 0, std::memory_order_relaxed); }

}  // namespace rnngen::ops
