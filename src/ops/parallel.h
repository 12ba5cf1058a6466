// Fast-path switches and the row-parallel helper the pointwise kernels share.
//
// fast_kernels(): whether the float kernels take their SIMD paths (default) or the scalar
// references (*_ref); RNNGEN_REF_KERNELS=1 in the environment or set_fast_kernels(false)
// switches them off, for A/B measurements and bisecting numerics.
//
// parallel_rows(rows, work_per_row, f): calls f(r0, r1) over a static split of [0, rows) among
// the OpenMP threads when the work is large enough, else once over all rows. Every kernel that
// uses it computes each element independently of the split, so results do not depend on the
// thread count.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstddef>

// Copies of a function for AVX-512 (x86-64-v4) beside the AVX2 baseline, picked at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(RNNGEN_NO_CLONES)
#define RNNGEN_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "default")))
#else
#define RNNGEN_SIMD_CLONES
#endif

namespace rnngen::ops {

bool fast_kernels();
void set_fast_kernels(bool on);

// Below this many elements of work a parallel region costs more than it saves.
inline constexpr size_t kMinParallelWork = size_t(1) << 15;

// f(r0, r1) on each of `use` threads over a static split of [0, rows): the one parallel
// region both helpers below open.
template <typename F>
void split_among_threads(int rows, int use, F& f) {
#pragma omp parallel num_threads(use)
  {
    const int t = omp_get_thread_num(), n = omp_get_num_threads();
    const int r0 = static_cast<int>(static_cast<long long>(rows) * t / n);
    const int r1 = static_cast<int>(static_cast<long long>(rows) * (t + 1) / n);
    if (r1 > r0) f(r0, r1);
  }
}

template <typename F>
void parallel_rows(int rows, size_t work_per_row, F&& f) {
  const int nt = omp_get_max_threads();
  if (nt <= 1 || rows < 2 || static_cast<size_t>(rows) * work_per_row < kMinParallelWork ||
      omp_in_parallel()) {
    f(0, rows);
    return;
  }
  split_among_threads(rows, std::min(nt, rows), f);
}

// Calls f(r0, r1) once on each OpenMP thread over a static split of [0, rows) when every
// thread gets at least min_rows rows (and the caller is not already in a parallel region),
// else f(0, rows) on the calling thread. For the recurrent time loops: batch rows are
// independent through time, so each thread runs the whole loop over its own rows with no
// synchronisation per step. BLAS calls made inside run on their calling thread only (the
// OpenMP build of OpenBLAS checks omp_in_parallel), and so do the kernels that use
// parallel_rows.
template <typename F>
void parallel_blocks(int rows, int min_rows, F&& f) {
  const int nt = omp_get_max_threads();
  const int use = std::min(nt, rows / std::max(min_rows, 1));
  if (use <= 1 || omp_in_parallel()) {
    f(0, rows);
    return;
  }
  split_among_threads(rows, use, f);
}

}  // namespace rnngen::ops
