// What a network is: the contents of config.json (see docs/format.md).
#pragma once
#include <string>

namespace rnngen {

struct ModelConfig {
  std::string task = "lm";    // "lm" | "seq2seq"
  std::string cell = "lstm";  // "lstm" | "gru" | "rnn" (Elman, tanh) | "rnn_relu"
  int vocab_size = 0;
  int embed_size = 0;  // 0 = one-hot input, no embedding table
  int hidden_size = 0;
  int num_layers = 1;
  double dropout = 0.0;  // between layers and before the decoder, training only
  bool tie_weights = false;
};

}  // namespace rnngen
