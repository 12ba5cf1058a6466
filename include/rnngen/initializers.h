// Weight initializers named as in Keras (tf.keras.initializers), for the Keras-style layers.
// Each describes how to fill a tensor of the Keras weight shape (kernel [in, units*gates],
// recurrent_kernel [units, units*gates], bias [units*gates]); the layer then stores it in
// PyTorch's layout.
#pragma once
#include <cstdint>

namespace rnngen {

struct Initializer {
  enum class Kind { kZeros, kOnes, kConstant, kGlorotUniform, kOrthogonal, kRandomUniform };
  Kind kind = Kind::kZeros;
  double value = 0;               // kConstant; kOrthogonal: gain
  double lo = -0.05, hi = 0.05;   // kRandomUniform
};

namespace initializers {

inline Initializer Zeros() { return {Initializer::Kind::kZeros}; }
inline Initializer Ones() { return {Initializer::Kind::kOnes}; }
inline Initializer Constant(double value) { return {Initializer::Kind::kConstant, value}; }
// U(-l, l), l = sqrt(6 / (fan_in + fan_out)), fans from the 2-D Keras shape [in, out].
inline Initializer GlorotUniform() { return {Initializer::Kind::kGlorotUniform}; }
// Rows (or columns, whichever are fewer) orthonormal, times gain.
inline Initializer Orthogonal(double gain = 1.0) { return {Initializer::Kind::kOrthogonal, gain}; }
inline Initializer RandomUniform(double minval = -0.05, double maxval = 0.05) {
  return {Initializer::Kind::kRandomUniform, 0, minval, maxval};
}

}  // namespace initializers
}  // namespace rnngen
