// The checkpoint in DIR/checkpoint/state.safetensors that makes training resumable bit-exactly:
// the weights, every optimizer buffer and the carried recurrent state as tensors, and the
// rest (step, data position, RNG states, schedule, log length) as JSON in the file's
// __metadata__. One file, written atomically, so a kill at any moment leaves either the old
// checkpoint or the new one.
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
void write_checkpoint(const std::string& model_dir, const Checkpoint& ck);
// InputError when missing or damaged, naming the file.
Checkpoint read_checkpoint(const std::string& model_dir);

}  // namespace rnngen::train
