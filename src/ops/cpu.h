// Which wider instruction sets the kernels may use beyond the build's AVX2 + FMA floor: what
// the CPU reports, capped by RNNGEN_MAX_ISA=avx2 in the environment or cap_isa_at_avx2() (for
// tests of both paths on one machine, and for A/B timings with one binary).
#pragma once

namespace rnngen::ops {

bool avx512();       // x86-64-v4: AVX-512 F, BW, DQ, VL
bool avx512_vnni();  // avx512() and AVX512-VNNI (u8 x s8 dot products into int32)
bool avx512_bf16();  // avx512() and AVX512-BF16 (bf16 dot products into fp32; `--precision bf16`)
void cap_isa_at_avx2(bool on);

}  // namespace rnngen::ops

// On functions whose intrinsics need them; callers check avx512() and the rest first.
#define RNNGEN_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))
#define RNNGEN_TARGET_AVX512_VNNI __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
#define RNNGEN_TARGET_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16")))
