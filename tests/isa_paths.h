// Runs a check on every instruction-set path the kernels can take on this CPU:
// the AVX2 one always, the AVX-512 one where the CPU has it (ops/cpu.h), so an
// AVX-512 machine tests both.
#pragma once
#include <gtest/gtest.h>

#include "ops/cpu.h"

namespace rnngen {

template <typename F>
void for_each_isa(F &&check) {
  {
    SCOPED_TRACE("AVX2 path");
    ops::cap_isa_at_avx2(true);
    check();
  }
  ops::cap_isa_at_avx2(false);
  if (ops::avx512()) {
    SCOPED_TRACE("AVX-512 path");
    check();
  }
}

}  // namespace rnngen
