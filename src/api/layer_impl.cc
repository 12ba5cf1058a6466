#include "api/layer_impl.h"

#include <atomic>
#include <map>
#include <mutex>

#include "rnngen/error.h"

namespace rnngen::api {

std::string unique_name(const std::string& base, const std::string& requested) {
  if (!requested.empty()) return requested;
  static std::mutex mu;
  static std::map<std::string, int> counts;
  std::lock_guard<std::mutex> lock(mu);
  const int n = counts[base]++;
  return n == 0 ? base : base + "_" + std::to_string(n);
}

uint64_t next_seed() {
  static std::atomic<uint64_t> seed{0};
  return ++seed;
}

void expect_shape(const Tensor& t, const Shape& shape, const std::string& what) {
  if (t.shape() != shape)
    throw InputError(what + ": expected shape " + format_shape(shape) + ", got " + t.shape_str());
}

void swap_leading_axes(int64_t a, int64_t b, int64_t d, const float* in, float* out) {
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j) {
      const float* src = in + (i * b + j) * d;
      float* dst = out + (j * a + i) * d;
      for (int64_t k = 0; k < d; ++k) dst[k] = src[k];
    }
}

}  // namespace rnngen::api
