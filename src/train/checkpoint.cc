#include "train/checkpoint.h"

#include <filesystem>

#include "io/safetensors.h"
#include "rnngen/error.h"

namespace rnngen::train {

namespace fs = std::filesystem;

std::string checkpoint_path(const std::string& model_dir) {
  return (fs::path(model_dir) / "checkpoint" / "state.safetensors").string();
}

void write_checkpoint(const std::string& model_dir, const Checkpoint& ck) {
  const fs::path p = checkpoint_path(model_dir);
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw InputError(p.parent_path().string() + ": cannot create directory: " + ec.message());
  std::vector<io::TensorRef> refs;
  for (const auto& [name, v] : ck.tensors)
    refs.push_back({name, {static_cast<int64_t>(v.size())}, v.data()});
  io::write_safetensors(p.string(), refs, {{"rnngen_checkpoint", ck.meta.dump()}});
}

Checkpoint read_checkpoint(const std::string& model_dir) {
  const std::string p = checkpoint_path(model_dir);
  std::error_code ec;
  if (!fs::exists(p, ec))
    throw InputError(p + ": no checkpoint to resume from (train without --resume first)");
  Checkpoint ck;
  const io::SafetensorsView file(p);  // one read of the file, for the metadata and the tensors
  const auto& meta = file.metadata();
  auto it = meta.find("rnngen_checkpoint");
  if (it == meta.end()) throw InputError(p + ": not an rnngen checkpoint (no rnngen_checkpoint metadata)");
  try {
    ck.meta = nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(p + ": damaged checkpoint metadata: " + e.what());
  }
  for (const auto& [name, t] : file.tensors()) {
    std::vector<float>& v = ck.tensors[name];
    v.resize(t.count);
    t.copy_to(v.data());
  }
  return ck;
}

}  // namespace rnngen::train
