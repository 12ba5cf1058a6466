#include "train/train_log.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "io/atomic_file.h"
#include "io/json_file.h"
#include "rnngen/error.h"

namespace rnngen::train {

namespace {

template <typename T>
T field(const nlohmann::json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) throw InputError(where + ": missing key \"" + key + "\"");
  if (!it->is_number())
    throw InputError(where + ": key \"" + key + "\" should be a number, got " + io::json_type_name(*it));
  return it->get<T>();
}

}  // namespace

std::vector<LogRecord> read_train_log(const std::string& path) {
  const std::string bytes = io::read_file(path);  // InputError "cannot read PATH: ..." if missing
  std::vector<LogRecord> out;
  std::istringstream in(bytes);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(n);
    const nlohmann::json j = io::parse_json(line, where);
    if (!j.is_object()) throw InputError(where + ": expected a JSON object, got " + io::json_type_name(j));
    LogRecord r;
    r.step = field<int64_t>(j, "step", where);
    r.epoch = field<double>(j, "epoch", where);
    r.tokens = field<int64_t>(j, "tokens", where);
    r.train_nll = field<double>(j, "train_nll", where);
    auto val = j.find("val_nll");
    if (val == j.end()) throw InputError(where + ": missing key \"val_nll\"");
    if (!val->is_null()) r.val_nll = field<double>(j, "val_nll", where);
    if (auto acc = j.find("val_accuracy"); acc != j.end() && !acc->is_null())
      r.val_accuracy = field<double>(j, "val_accuracy", where);
    r.lr = field<double>(j, "lr", where);
    r.tokens_per_s = field<double>(j, "tokens_per_s", where);
    r.elapsed_s = field<double>(j, "elapsed_s", where);
    out.push_back(r);
  }
  if (out.empty()) throw InputError(path + ": the training log is empty (no evaluation has been logged yet)");
  return out;
}

}  // namespace rnngen::train
