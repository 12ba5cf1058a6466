// The checkpoint in DIR/checkpoint/state.safetensors that makes training resumable bit-exactly:
// the weights, every optimizer buffer and the carried recurrent state as tensors, and the
// rest (step, data position, RNG states, schedule, log length) as JSON in the file's
// __metadata__. One file, written atomically, so a kill at any moment leaves either the old
// checkpoint or the new one. It records a CRC-32C of its metadata and tensors, so that a
// corrupt or truncated one is refused, naming the file, and never resumed silently. Writing
// one keeps the one it replaces as DIR/checkpoint/previous.safetensors, which --resume-from
// loads when asked (never on its own).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rnngen::train {

struct Checkpoint {
  nlohmann::json meta;                              // counters, positions, RNG states
  std::map<std::string, std::vector<float>> tensors;  // "param/NAME", "optim/NAME", "state/h", ...
};

std::string checkpoint_path(const std::string& model_dir);
std::string previous_checkpoint_path(const std::string& model_dir);
void write_checkpoint(const std::string& model_dir, const Checkpoint& ck);
// Reads `from`, or the newest checkpoint of model_dir when `from` is empty. InputError when
// missing, damaged, or its checksum does not match, naming the file (and, for the newest,
// pointing at previous.safetensors and --resume-from when there is one).
Checkpoint read_checkpoint(const std::string& model_dir, const std::string& from = "");

}  // namespace rnngen::train
