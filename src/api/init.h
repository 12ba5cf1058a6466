// Fills a Keras-shaped weight [rows, cols] (row-major; a vector is rows = 1) from an
// Initializer. Fans for Glorot follow Keras: a matrix [in, out] has fan_in = in and
// fan_out = out; a vector [n] has both n.
#pragma once
#include <cstdint>

#include "rnngen/initializers.h"
#include "util/rng.h"

namespace rnngen::api {

void init_fill(const Initializer& init, int64_t rows, int64_t cols, Rng& rng, float* out);

}  // namespace rnngen::api
