// What `rnngen summary` prints: the config, every tensor with its shape and count, and the
// totals in both conventions (PyTorch keeps two bias vectors per gate, Keras one; Keras's GRU
// with reset_after=True, its default since TF 2, keeps two like PyTorch).
#pragma once
#include <cstdint>
#include <string>

#include "models/param_table.h"
#include "rnngen/config.h"

namespace rnngen::models {

struct ParamCounts {
  int64_t pytorch = 0;
  int64_t keras = 0;
};

ParamCounts count_params(const ModelConfig& cfg, const ParamTable& table);
std::string summary_text(const ModelConfig& cfg, const ParamTable& table,
                         const std::string& tokenizer_type);

}  // namespace rnngen::models
