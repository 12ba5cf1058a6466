#include "ops/parallel.h"

#include <cstring>

#include "util/env_switch.h"

namespace rnngen::ops {

namespace {
util::EnvSwitch g_ref("RNNGEN_REF_KERNELS", [](const char* v) { return v && *v && std::strcmp(v, "0") != 0; });
}

bool fast_kernels() { return !g_ref.on(); }

void set_fast_kernels(bool on) { g_ref.set(!on); }

}  // namespace rnngen::ops
