// The one list of a model's tensors: name, shape and offset into the flat parameter buffer.
// Initialisation, safetensors load/save, `summary`, the optimizer and the gradient checks all
// walk this same list, so the gradient and optimizer-state buffers share its layout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rnngen::models {

struct ParamInfo {
  std::string name;
  std::vector<int64_t> shape;
  size_t offset = 0;
  size_t size = 0;
};

class ParamTable {
 public:
  // Appends a tensor and returns its offset.
  size_t add(const std::string& name, std::vector<int64_t> shape);
  const std::vector<ParamInfo>& entries() const { return entries_; }
  const ParamInfo* find(const std::string& name) const;
  const ParamInfo& at(const std::string& name) const;
  size_t total() const { return total_; }

 private:
  std::vector<ParamInfo> entries_;
  size_t total_ = 0;
};

}  // namespace rnngen::models
