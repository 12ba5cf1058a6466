// Fused softmax + cross-entropy over logits [N, V] with targets [N] (a target < 0 is ignored).
// Returns the summed NLL in nats (accumulated in double). When dlogits is not null it receives
// scale * (softmax - onehot) for each counted row and 0 for ignored rows; dlogits may alias
// logits.
#pragma once
#include <cstdint>

namespace rnngen::layers {

// The float path is vectorised (ops/vmath.h exp, lane-wise reductions) with rows split over
// OpenMP threads; the loss is summed in row order, so it does not depend on the thread count.
// softmax_ce_ref is the scalar reference (double exp), which the double instantiation runs.
template <typename T>
double softmax_ce(int n, int v, const T* logits, const int32_t* targets, T scale, T* dlogits);
template <typename T>
double softmax_ce_ref(int n, int v, const T* logits, const int32_t* targets, T scale, T* dlogits);

// Sigmoid + binary cross-entropy for a many-to-one classifier: z [N] logits, y [N] in {0,1}.
// Returns summed loss; dz (optional) receives scale * (sigmoid(z) - y).
template <typename T>
double sigmoid_bce(int n, const T* z, const T* y, T scale, T* dz);

}  // namespace rnngen::layers
