// Weight initialisation schemes, walking the model's tensor table.
//   pytorch:   what torch.nn gives: RNN weights and biases U(-1/sqrt(H), 1/sqrt(H)),
//              Embedding N(0, 1), Linear weight and bias U(-1/sqrt(in), 1/sqrt(in)).
//   keras:     what the same network built from Keras layers gets by default:
//              Embedding U(-0.05, 0.05); input kernels (weight_ih) glorot-uniform;
//              recurrent kernels (weight_hh) orthogonal; biases zero, except the LSTM
//              forget-gate block, which is 1 (unit_forget_bias); Dense (decoder) weight
//              glorot-uniform and bias zero.
//   dlfs2:     "Deep Learning from Scratch 2" (seed 004, ch06 Rnnlm / BetterRnnlm): embedding
//              N(0, 0.01^2), every weight [out, in] N(0, 1/in), biases zero.
//   uniform:A  every tensor U(-A, A) (Zaremba et al. use 0.1).
#pragma once
#include <string>

#include "models/param_table.h"
#include "rnngen/config.h"
#include "util/rng.h"

namespace rnngen::models {

struct InitScheme {
  std::string kind = "pytorch";  // "pytorch" | "keras" | "dlfs2" | "uniform"
  double scale = 0.1;            // A for "uniform"
};

// Parses "pytorch", "keras", "dlfs2" or "uniform:A"; InputError naming --init otherwise.
InitScheme parse_init(const std::string& spec);

template <typename T>
void init_params(const ModelConfig& cfg, const ParamTable& table, const InitScheme& scheme,
                 Rng& rng, T* params);

}  // namespace rnngen::models
