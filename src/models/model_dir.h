// The model directory of the contract: config.json + tokenizer.json + model.safetensors.
// Loading is strict, as PyTorch's load_state_dict(strict=True): every tensor the config
// implies must be present with its exact shape, and nothing else may be.
#pragma once
#include <memory>
#include <string>

#include "models/rnnlm.h"
#include "models/seq2seq.h"
#include "text/tokenizer.h"

namespace rnngen::models {

// Exactly one of net (task "lm") and seq2seq (task "seq2seq") is set.
struct LoadedModel {
  std::unique_ptr<text::Tokenizer> tokenizer;
  std::unique_ptr<RnnLm<float>> net;
  std::unique_ptr<Seq2Seq<float>> seq2seq;
  const ModelConfig& config() const { return net ? net->config() : seq2seq->config(); }
  const ParamTable& table() const { return net ? net->table() : seq2seq->table(); }
};

// True when dir holds a config.json (what makes a directory an rnngen model).
bool is_model_dir(const std::string& dir);

// InputError naming the file and what is wrong (missing file, bad tensor, vocab mismatch).
LoadedModel load_model_dir(const std::string& dir);

// Loads model.safetensors into net (strict names and shapes).
void load_weights(const std::string& path, RnnLm<float>& net);
void load_weights(const std::string& path, const ParamTable& table, float* params);

// InputError unless the model in `dir` is of `task` ("lm" or "seq2seq"), naming what to use.
void require_task(const LoadedModel& m, const std::string& dir, const std::string& task, const std::string& command);

// Writes the three files, each atomically; the weights last, so a reader never sees new
// weights with an old config.
void save_model_dir(const std::string& dir, const text::Tokenizer& tok, const RnnLm<float>& net);
void save_model_dir(const std::string& dir, const text::Tokenizer& tok, const ModelConfig& cfg, const ParamTable& table,
                    const float* params);
void save_weights(const std::string& path, const RnnLm<float>& net);
// The same bytes from a copy of the parameters laid out by `table` (a checkpoint's copy).
void save_weights(const std::string& path, const ParamTable& table, const float* params);

}  // namespace rnngen::models
