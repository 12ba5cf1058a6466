// config.json <-> ModelConfig, as the contract (docs/format.md) defines it:
//   {"format": "rnngen", "format_version": 1, "task": "lm", "cell": "lstm", "vocab_size": 65,
//    "embed_size": 64, "hidden_size": 256, "num_layers": 2, "dropout": 0.0,
//    "tie_weights": false}
// Required on load: format, format_version, cell, vocab_size, embed_size, hidden_size,
// num_layers. task (default "lm"), dropout (0.0) and tie_weights (false) may be left out;
// unknown keys are ignored so that newer files still load.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "rnngen/config.h"

namespace rnngen::io {

inline constexpr int kConfigFormatVersion = 1;

// Validates every key and every range (InputError "SOURCE: key \"vocab_size\": ...").
ModelConfig config_from_json(const nlohmann::json& j, const std::string& source);
// Keys in the order the contract lists them.
nlohmann::ordered_json config_to_json(const ModelConfig& config);

ModelConfig read_config(const std::string& path);
// Pretty-printed, atomic (write_file_atomic).
void write_config(const ModelConfig& config, const std::string& path);

}  // namespace rnngen::io
