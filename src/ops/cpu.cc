#include "ops/cpu.h"

#include <cstring>

#include "util/env_switch.h"

namespace rnngen::ops {

namespace {

util::EnvSwitch g_cap("RNNGEN_MAX_ISA", [](const char* v) { return v && std::strcmp(v, "avx2") == 0; });

bool cpu_avx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  return has;
}

}  // namespace

bool avx512() { return cpu_avx512() && !g_cap.on(); }

bool avx512_vnni() {
  static const bool has = __builtin_cpu_supports("avx512vnni");
  return avx512() && has;
}

bool avx512_bf16() {
  static const bool has = __builtin_cpu_supports("avx512bf16");
  return avx512() && has;
}

void cap_isa_at_avx2(bool on) { g_cap.set(on); }

}  // namespace rnngen::ops
