// The input of seed 003's Keras walkthrough: one sentence of 4 steps of 5-d word vectors.
#pragma once
#include "rnngen/tensor.h"

namespace rnngen::testing {

inline Tensor seed_train_x() {
  return Tensor({1, 4, 5}, {0.1f, 4.2f, 1.5f, 1.1f, 2.8f,  //
                            1.0f, 3.1f, 2.5f, 0.7f, 1.1f,  //
                            0.3f, 2.1f, 1.5f, 2.1f, 0.1f,  //
                            2.2f, 1.4f, 0.5f, 0.9f, 1.1f});
}

}  // namespace rnngen::testing
