// Random orthogonal matrices, as Keras's Orthogonal initializer draws them: a Gaussian
// matrix orthonormalised (QR with the signs of R's diagonal made positive, which is what
// Gram-Schmidt gives), so the result is uniformly (Haar) distributed. The shorter side gets
// the orthonormal vectors: rows when rows <= cols, else columns.
//
// One implementation for everything that initialises weights: the Keras-style layers
// (api/init) and the language model's --init keras (models/init).
#pragma once
#include <cstdint>
#include <vector>

#include "util/rng.h"

namespace rnngen::ops {

// out = a [rows, cols] row-major matrix Q with Q Q^T = I (rows <= cols) or Q^T Q = I
// (rows > cols). Draws rows*cols normals from rng.
void random_orthogonal(int64_t rows, int64_t cols, Rng& rng, std::vector<double>& out);

}  // namespace rnngen::ops
