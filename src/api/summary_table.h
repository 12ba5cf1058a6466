// Keras's model.summary() table (tf.keras 2.x, line length 65, columns ending at 29, 55, 65):
//
//   Model: "sequential"
//   _________________________________________________________________
//    Layer (type)                Output Shape              Param #
//   =================================================================
//    simple_rnn (SimpleRNN)      (None, 3)                 42
//   (a blank row after each layer)
//   =================================================================
//   Total params: 42
//   Trainable params: 42
//   Non-trainable params: 0
//   _________________________________________________________________
//
// A cell wider than its column continues on the next line ("bidirectional (Bidirectio" /
// "nal)"), as Keras wraps it. Rows end with trailing spaces up to the line length, like Keras.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rnngen::api {

struct SummaryRow {
  std::string layer;  // "name (Type)"
  std::string output_shape;
  int64_t params;
};

std::string format_summary(const std::string& model_name, const std::vector<SummaryRow>& rows);

// 529441 -> "529,441"
std::string with_thousands(int64_t n);

}  // namespace rnngen::api
