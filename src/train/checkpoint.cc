#include "train/checkpoint.h"

#include <cstdint>
#include <filesystem>

#include "io/safetensors.h"
#include "rnngen/error.h"
#include "util/crc32c.h"

namespace rnngen::train {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMetaKey = "rnngen_checkpoint";
constexpr const char* kChecksumKey = "rnngen_checksum";

// Over the metadata text and every tensor's name, length and bytes, in name order: every byte
// that resuming uses. The safetensors header itself (shapes, offsets) is checked by its reader.
uint32_t checksum_of(const std::string& meta, const std::map<std::string, std::string_view>& tensors) {
  uint32_t crc = util::crc32c(0, meta);
  for (const auto& [name, bytes] : tensors) {
    crc = util::crc32c(crc, name.c_str(), name.size() + 1);  // with its NUL: names stay apart
    const uint64_t n = bytes.size();
    crc = util::crc32c(crc, &n, sizeof n);
    crc = util::crc32c(crc, bytes);
  }
  return crc;
}

// Keeps the checkpoint about to be replaced as previous.safetensors: a hard link (no copy)
// made under a temporary name and renamed, so previous.safetensors is always whole too.
void keep_previous(const std::string& model_dir) {
  const fs::path cur = checkpoint_path(model_dir);
  const fs::path prev = previous_checkpoint_path(model_dir);
  const fs::path tmp = prev.string() + ".tmp";
  std::error_code ec;
  if (!fs::exists(cur, ec)) return;
  fs::remove(tmp, ec);
  fs::create_hard_link(cur, tmp, ec);
  if (ec) fs::copy_file(cur, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, prev, ec);
  // A failure only loses the older fallback; the new checkpoint is what matters, and its
  // own write reports a full or read-only disk.
  if (ec) fs::remove(tmp, ec);
}

}  // namespace

std::string checkpoint_path(const std::string& model_dir) {
  return (fs::path(model_dir) / "checkpoint" / "state.safetensors").string();
}

std::string previous_checkpoint_path(const std::string& model_dir) {
  return (fs::path(model_dir) / "checkpoint" / "previous.safetensors").string();
}

void write_checkpoint(const std::string& model_dir, const Checkpoint& ck) {
  const fs::path p = checkpoint_path(model_dir);
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw InputError(p.parent_path().string() + ": cannot create directory: " + ec.message());
  std::vector<io::TensorRef> refs;
  std::map<std::string, std::string_view> bytes;
  for (const auto& [name, v] : ck.tensors) {
    refs.push_back({name, {static_cast<int64_t>(v.size())}, v.data()});
    bytes[name] = std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  }
  const std::string meta = ck.meta.dump();
  keep_previous(model_dir);
  io::write_safetensors(p.string(), refs,
                        {{kMetaKey, meta}, {kChecksumKey, util::crc32c_text(checksum_of(meta, bytes))}});
}

namespace {

Checkpoint read_one(const std::string& p) {
  std::error_code ec;
  if (!fs::exists(p, ec))
    throw InputError(p + ": no checkpoint to resume from (train without --resume first)");
  Checkpoint ck;
  const io::SafetensorsView file(p);  // one read of the file, for the metadata and the tensors
  const auto& meta = file.metadata();
  auto it = meta.find(kMetaKey);
  if (it == meta.end()) throw InputError(p + ": not an rnngen checkpoint (no rnngen_checkpoint metadata)");
  auto sum = meta.find(kChecksumKey);
  if (sum == meta.end())
    throw InputError(p + ": checkpoint has no rnngen_checksum (damaged, or written before checkpoints had one)");
  std::map<std::string, std::string_view> bytes;
  for (const auto& [name, t] : file.tensors()) bytes[name] = std::string_view(t.bytes, t.count * sizeof(float));
  const std::string actual = util::crc32c_text(checksum_of(it->second, bytes));
  if (actual != sum->second)
    throw InputError(p + ": checkpoint is corrupt: its contents give " + actual + " but it records " +
                     sum->second);
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

}  // namespace

Checkpoint read_checkpoint(const std::string& model_dir, const std::string& from) {
  if (!from.empty()) return read_one(from);
  try {
    return read_one(checkpoint_path(model_dir));
  } catch (const InputError& e) {
    const std::string prev = previous_checkpoint_path(model_dir);
    std::error_code ec;
    if (!fs::exists(prev, ec)) throw;
    // Never fall back on our own: the user decides to lose the steps since the previous one.
    throw InputError(std::string(e.what()) + " (the checkpoint before it is kept: add --resume-from " +
                     prev + " to resume from it)");
  }
}

}  // namespace rnngen::train
