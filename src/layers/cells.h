// The pointwise part of one time step of each recurrent cell, forward and backward, fused over
// all gates. The GEMMs around them live in recurrent.cc. Every kernel works on a batch of B rows.
//
// Each kernel has a scalar reference *_ref with the same signature (std:: math): the double
// instantiations always run it; the float ones take a SIMD path (ops/vmath.h, AVX2 or AVX-512
// picked at load time, rows split over OpenMP threads for large steps) unless
// ops::set_fast_kernels(false) or RNNGEN_REF_KERNELS=1. Results never depend on the thread count.
//
// Gate blocks within a row of G*H values follow PyTorch's weight layout:
//   LSTM (G=4): i, f, g, o      GRU (G=3): r, z, n      RNN (G=1): the pre-activation
#pragma once
#include <cstddef>

namespace rnngen::layers {

enum class Cell { kRnnTanh, kRnnRelu, kLstm, kGru };

inline int gate_count(Cell c) { return c == Cell::kLstm ? 4 : c == Cell::kGru ? 3 : 1; }

// LSTM. pre: [B,4H] pre-activations (x W_ih^T + b_ih + h W_hh^T + b_hh), activated in place.
// c_prev, c, h: [B,H].
template <typename T>
void lstm_step_forward(int B, int H, T* pre, const T* c_prev, T* c, T* h);
// act: [B,4H] activated gates; dh: [B,H] total gradient at h_t; dc: [B,H] gradient at c_t
// from step t+1, overwritten with the gradient at c_{t-1}; dgates: [B,4H] pre-activation grads.
template <typename T>
void lstm_step_backward(int B, int H, const T* act, const T* c_prev, const T* c, const T* dh,
                        T* dc, T* dgates);

// GRU (PyTorch): xg = x W_ih^T + b_ih, hg = h W_hh^T + b_hh, both [B,3H].
// r = s(xr + hr), z = s(xz + hz), n = tanh(xn + r * hn), h = (1 - z) * n + z * h_prev.
// xg is overwritten with (r, z, n); hn [B,H] keeps hg's n block for backward.
template <typename T>
void gru_step_forward(int B, int H, T* xg, const T* hg, const T* h_prev, T* hn, T* h);
// dh: [B,H] total gradient at h_t. Writes dxg [B,3H] (gradient at xg), dhg [B,3H] (at hg) and
// dh_prev [B,H] (the direct z * dh term; the caller adds dhg W_hh).
template <typename T>
void gru_step_backward(int B, int H, const T* act, const T* hn, const T* h_prev, const T* dh,
                       T* dxg, T* dhg, T* dh_prev);

// Elman RNN: h = act(pre), in place over [B,H]. Backward: dpre = dh * act'(h).
template <typename T>
void rnn_step_forward(int B, int H, bool relu, T* pre);
template <typename T>
void rnn_step_backward(int B, int H, bool relu, const T* h, const T* dh, T* dpre);

// The scalar references, same contracts as above.
template <typename T>
void lstm_step_forward_ref(int B, int H, T* pre, const T* c_prev, T* c, T* h);
template <typename T>
void lstm_step_backward_ref(int B, int H, const T* act, const T* c_prev, const T* c, const T* dh,
                            T* dc, T* dgates);
template <typename T>
void gru_step_forward_ref(int B, int H, T* xg, const T* hg, const T* h_prev, T* hn, T* h);
template <typename T>
void gru_step_backward_ref(int B, int H, const T* act, const T* hn, const T* h_prev, const T* dh,
                           T* dxg, T* dhg, T* dh_prev);
template <typename T>
void rnn_step_forward_ref(int B, int H, bool relu, T* pre);
template <typename T>
void rnn_step_backward_ref(int B, int H, bool relu, const T* h, const T* dh, T* dpre);

}  // namespace rnngen::layers
