#include "models/model_dir.h"

#include <cmath>
#include <filesystem>
#include <set>

#include "io/config_json.h"
#include "io/safetensors.h"
#include "ops/finite.h"
#include "rnngen/error.h"

namespace rnngen::models {

namespace fs = std::filesystem;

static std::string shape_str(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

bool is_model_dir(const std::string& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::is_regular_file(fs::path(dir) / "config.json", ec);
}

void load_weights(const std::string& path, RnnLm<float>& net) { load_weights(path, net.table(), net.params()); }

void load_weights(const std::string& path, const ParamTable& table, float* params) {
  const io::SafetensorsView file(path);
  const auto& tensors = file.tensors();
  std::set<std::string> expected;
  for (const ParamInfo& p : table.entries()) {
    expected.insert(p.name);
    auto it = tensors.find(p.name);
    if (it == tensors.end())
      throw InputError(path + ": missing tensor '" + p.name + "' " + shape_str(p.shape) +
                       " that config.json implies");
    if (it->second.shape != p.shape)
      throw InputError(path + ": tensor '" + p.name + "' has shape " + shape_str(it->second.shape) +
                       ", config.json implies " + shape_str(p.shape));
    it->second.copy_to(params + p.offset);
    // A model that diverged would load and then print NaN perplexities or fail mid-sample.
    if (const size_t bad = ops::first_non_finite(params + p.offset, p.size); bad < p.size)
      throw InputError(path + ": tensor '" + p.name + "' holds " +
                       (std::isnan(params[p.offset + bad]) ? "NaN" : "an infinity") + " at index " +
                       std::to_string(bad) + " (weights from a training run that diverged?)");
  }
  for (const auto& [name, t] : tensors)
    if (!expected.count(name))
      throw InputError(path + ": unexpected tensor '" + name + "' (not part of the model config.json describes)");
}

LoadedModel load_model_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir + ": no such model directory");
  if (!fs::is_directory(dir, ec)) throw InputError(dir + ": not a directory (expected a model directory)");
  const fs::path d(dir);
  for (const char* f : {"config.json", "tokenizer.json", "model.safetensors"})
    if (!fs::exists(d / f, ec))
      throw InputError((d / f).string() + ": missing (a model directory holds config.json, tokenizer.json and model.safetensors)");
  LoadedModel m;
  const ModelConfig cfg = io::read_config((d / "config.json").string());
  m.tokenizer = text::load_tokenizer((d / "tokenizer.json").string());
  if (m.tokenizer->vocab_size() != cfg.vocab_size)
    throw InputError((d / "tokenizer.json").string() + ": has " + std::to_string(m.tokenizer->vocab_size()) +
                     " tokens but config.json says vocab_size " + std::to_string(cfg.vocab_size));
  if (cfg.task == "seq2seq") {
    if (m.tokenizer->line_start_token() < 0)
      throw InputError((d / "tokenizer.json").string() + ": has no end-of-line token, which a seq2seq model needs");
    m.seq2seq = std::make_unique<Seq2Seq<float>>(cfg);
    load_weights((d / "model.safetensors").string(), m.seq2seq->table(), m.seq2seq->params());
  } else {
    m.net = std::make_unique<RnnLm<float>>(cfg);
    load_weights((d / "model.safetensors").string(), *m.net);
  }
  return m;
}

void require_task(const LoadedModel& m, const std::string& dir, const std::string& task, const std::string& command) {
  const std::string& has = m.config().task;
  if (has == task) return;
  const std::string use = has == "seq2seq" ? "rnngen translate" : "rnngen sample";
  throw InputError(dir + ": is a " + (has == "seq2seq" ? std::string("seq2seq") : std::string("language")) +
                   " model; '" + command + "' needs a " + (task == "seq2seq" ? "seq2seq" : "language") +
                   " model (use " + use + ")");
}

void save_weights(const std::string& path, const ParamTable& table, const float* params) {
  std::vector<io::TensorRef> refs;
  for (const ParamInfo& p : table.entries()) refs.push_back({p.name, p.shape, params + p.offset});
  io::write_safetensors(path, refs, {{"format", "pt"}});
}

void save_weights(const std::string& path, const RnnLm<float>& net) {
  save_weights(path, net.table(), net.params());
}

void save_model_dir(const std::string& dir, const text::Tokenizer& tok, const RnnLm<float>& net) {
  save_model_dir(dir, tok, net.config(), net.table(), net.params());
}

void save_model_dir(const std::string& dir, const text::Tokenizer& tok, const ModelConfig& cfg, const ParamTable& table,
                    const float* params) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create directory: " + ec.message());
  const fs::path d(dir);
  io::write_config(cfg, (d / "config.json").string());
  text::save_tokenizer(tok, (d / "tokenizer.json").string());
  save_weights((d / "model.safetensors").string(), table, params);
}

}  // namespace rnngen::models
