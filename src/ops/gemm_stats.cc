#include "ops/gemm_stats.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <vector>

#include "ops/gemm.h"

namespace rnngen::ops {

namespace {
std::atomic<bool> g_on{false};
std::atomic<double> g_flops{0}, g_seconds{0};
std::atomic<uint64_t> g_calls{0};
}  // namespace

void gemm_stats_enable(bool on) { g_on.store(on, std::memory_order_relaxed); }
bool gemm_stats_enabled() { return g_on.load(std::memory_order_relaxed); }

GemmStats gemm_stats_take() {
  GemmStats s;
  s.flops = g_flops.exchange(0);
  s.seconds = g_seconds.exchange(0);
  s.calls = g_calls.exchange(0);
  return s;
}

void gemm_stats_add(double flops, double seconds) {
  // Inside a parallel region the team's GEMMs run side by side: each adds its share of the
  // region's wall time, so the sum stays wall time (exact when the slices are balanced).
  const int team = omp_in_parallel() ? omp_get_num_threads() : 1;
  g_flops.fetch_add(flops, std::memory_order_relaxed);
  g_seconds.fetch_add(seconds / team, std::memory_order_relaxed);
  g_calls.fetch_add(1, std::memory_order_relaxed);
}

double sgemm_peak_gflops(int size, int repeats) {
  const size_t n = static_cast<size_t>(size) * size;
  std::vector<float> a(n), b(n), c(n, 0.0f);
  for (size_t i = 0; i < n; ++i) {  // values that stay finite and are not denormal
    a[i] = static_cast<float>((i * 7919u) % 1000) * 1e-3f - 0.5f;
    b[i] = static_cast<float>((i * 104729u) % 1000) * 1e-3f - 0.5f;
  }
  const bool was_on = gemm_stats_enabled();
  gemm_stats_enable(false);
  auto once = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    gemm(false, false, size, size, size, 1.0f, a.data(), size, b.data(), size, 0.0f, c.data(), size);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  once();
  double best = 1e300;
  for (int r = 0; r < std::max(1, repeats); ++r) best = std::min(best, once());
  gemm_stats_enable(was_on);
  return 2.0 * size * static_cast<double>(size) * size / best / 1e9;
}

}  // namespace rnngen::ops
