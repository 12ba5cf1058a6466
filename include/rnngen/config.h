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
  // On the embedding output too (Zaremba et al. 2014, PyTorch's word_language_model), training
  // only; opt-in so that `dropout` keeps the contract's meaning. Needs embed_size > 0.
  double embed_dropout = 0.0;
  bool tie_weights = false;

  // task "seq2seq" only (docs/format.md): the encoder-decoder's shape.
  std::string decoder = "plain";       // "plain" | "peeky" | "attention"
  bool reverse_source = false;         // the encoder reads each source backwards
  bool bidirectional_encoder = false;  // decoder hidden size is then 2 * hidden_size
  int max_target_len = 0;              // tokens of the longest training answer, end token included
  std::string separator;               // the training data's source/target separator (eval's default)
};

}  // namespace rnngen
