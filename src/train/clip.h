// Gradient clipping by global L2 norm, with torch.nn.utils.clip_grad_norm_ semantics.
#pragma once
#include <cstddef>

namespace rnngen {

// The L2 norm of grads[0..n), accumulated in double. When max_norm > 0 and
// max_norm / (norm + 1e-6) < 1, multiplies every gradient by that factor (PyTorch's formula,
// so a clipped norm lands just under max_norm). Returns the norm before clipping.
// max_norm <= 0 means "no clipping" (--clip 0): only the norm is computed.
// A non-finite norm leaves the gradients untouched (PyTorch would scale them by 0 or NaN);
// the caller sees it in the return value and decides whether to skip the step.
// The summation order is fixed, so the result does not depend on the thread count.
double clip_grad_norm(float* grads, size_t n, double max_norm);

// The two halves of clip_grad_norm, for a caller that folds the factor into the optimizer
// (Optimizer::step's grad_scale) instead of a pass that rewrites every gradient:
// grad_norm(g, n) is the norm above; clip_factor(norm, max_norm) is the float that
// clip_grad_norm multiplies the gradients by, and 1 where it leaves them alone.
double grad_norm(const float* grads, size_t n);
float clip_factor(double norm, double max_norm);

}  // namespace rnngen
