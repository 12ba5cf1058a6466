#include "io/config_json.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/json_file.h"
#include "rnngen/error.h"

namespace rnngen::io {
namespace {

using nlohmann::json;

// Reads keys of one config object, each failure naming the source and the key.
class KeyReader {
 public:
  KeyReader(const json& j, const std::string& source) : j_(j), source_(source) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(source_ + ": key \"" + key + "\": " + what);
  }

  // nullptr when the key is absent and optional.
  const json* find(const std::string& key, bool required) const {
    auto it = j_.find(key);
    if (it != j_.end()) return &*it;
    if (required) throw InputError(source_ + ": missing required key \"" + key + "\"");
    return nullptr;
  }

  std::string string(const std::string& key, bool required, const std::string& fallback) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (!v->is_string()) fail(key, "must be a string, got " + json_type_name(*v));
    return v->get<std::string>();
  }

  std::string one_of(const std::string& key, bool required, const std::string& fallback,
                     std::initializer_list<const char*> allowed) const {
    std::string s = string(key, required, fallback);
    std::string list;
    for (const char* a : allowed) {
      if (s == a) return s;
      list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
    }
    fail(key, "unknown value " + json_quote(s) + " (expected one of " + list + ")");
  }

  // An integer in [min, INT_MAX]; 65.0 is not an integer.
  int integer(const std::string& key, bool required, int fallback, int min) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (!v->is_number_integer()) fail(key, "must be an integer, got " + json_type_name(*v));
    const bool negative = v->is_number_integer() && !v->is_number_unsigned() &&
                          v->get<int64_t>() < 0;
    if (negative || v->get<uint64_t>() < static_cast<uint64_t>(min))
      fail(key, "must be at least " + std::to_string(min) + ", got " + v->dump());
    if (v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max()))
      fail(key, "is too large: " + v->dump());
    return static_cast<int>(v->get<int64_t>());
  }

  double number(const std::string& key, bool required, double fallback) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (!v->is_number()) fail(key, "must be a number, got " + json_type_name(*v));
    return v->get<double>();
  }

  bool boolean(const std::string& key, bool required, bool fallback) const {
    const json* v = find(key, required);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(key, "must be true or false, got " + json_type_name(*v));
    return v->get<bool>();
  }

 private:
  const json& j_;
  const std::string& source_;
};

}  // namespace

ModelConfig config_from_json(const json& j, const std::string& source) {
  if (!j.is_object())
    throw InputError(source + ": expected a JSON object, got " + json_type_name(j));
  KeyReader r(j, source);

  if (std::string f = r.string("format", true, ""); f != "rnngen")
    r.fail("format", "must be \"rnngen\", got " + json_quote(f) + " (not an rnngen config)");
  if (int v = r.integer("format_version", true, 0, 1); v > kConfigFormatVersion)
    r.fail("format_version", std::to_string(v) + " is newer than this rnngen understands (" +
                                 std::to_string(kConfigFormatVersion) + ")");

  ModelConfig c;
  c.task = r.one_of("task", false, "lm", {"lm", "seq2seq"});
  // rnn_relu is not in the contract's list but ModelConfig documents it; accept it so a
  // config we write always loads.
  c.cell = r.one_of("cell", true, "", {"lstm", "gru", "rnn", "rnn_relu"});
  c.vocab_size = r.integer("vocab_size", true, 0, 1);
  c.embed_size = r.integer("embed_size", true, 0, 0);
  c.hidden_size = r.integer("hidden_size", true, 0, 1);
  c.num_layers = r.integer("num_layers", true, 0, 1);
  c.dropout = r.number("dropout", false, 0.0);
  if (!(c.dropout >= 0.0 && c.dropout < 1.0))
    r.fail("dropout", "must be in [0, 1), got " + j["dropout"].dump());
  c.embed_dropout = r.number("embed_dropout", false, 0.0);
  if (!(c.embed_dropout >= 0.0 && c.embed_dropout < 1.0))
    r.fail("embed_dropout", "must be in [0, 1), got " + j["embed_dropout"].dump());
  if (c.embed_dropout > 0 && c.embed_size == 0)
    r.fail("embed_dropout", "needs an embedding (embed_size > 0)");
  c.tie_weights = r.boolean("tie_weights", false, false);
  if (c.tie_weights && c.embed_size != c.hidden_size)
    r.fail("tie_weights", "needs embed_size == hidden_size, but embed_size is " +
                              std::to_string(c.embed_size) + " and hidden_size is " +
                              std::to_string(c.hidden_size));
  if (c.task == "seq2seq") {
    c.decoder = r.one_of("decoder", true, "", {"plain", "peeky", "attention"});
    c.reverse_source = r.boolean("reverse_source", false, false);
    c.bidirectional_encoder = r.boolean("bidirectional_encoder", false, false);
    c.max_target_len = r.integer("max_target_len", false, 0, 0);
    c.separator = r.string("separator", false, "");
    if (c.embed_size == 0) r.fail("embed_size", "must be at least 1 for a seq2seq model");
    if (c.tie_weights) r.fail("tie_weights", "is not supported for a seq2seq model");
    if (c.embed_dropout > 0) r.fail("embed_dropout", "is not supported for a seq2seq model");
  }
  return c;
}

nlohmann::ordered_json config_to_json(const ModelConfig& c) {
  // Ordered as in the contract, so the file reads the way the documentation does.
  nlohmann::ordered_json j{
      {"format", "rnngen"},          {"format_version", kConfigFormatVersion},
      {"task", c.task},              {"cell", c.cell},
      {"vocab_size", c.vocab_size},  {"embed_size", c.embed_size},
      {"hidden_size", c.hidden_size}, {"num_layers", c.num_layers},
      {"dropout", c.dropout},        {"tie_weights", c.tie_weights}};
  // An extension key, written only when used, so every other model's config.json is unchanged.
  if (c.embed_dropout > 0) j["embed_dropout"] = c.embed_dropout;
  if (c.task == "seq2seq") {
    j["decoder"] = c.decoder;
    j["reverse_source"] = c.reverse_source;
    j["bidirectional_encoder"] = c.bidirectional_encoder;
    j["max_target_len"] = c.max_target_len;
    if (!c.separator.empty()) j["separator"] = c.separator;
  }
  return j;
}

ModelConfig read_config(const std::string& path) {
  return config_from_json(read_json_object(path), path);
}

void write_config(const ModelConfig& config, const std::string& path) {
  // Validate what we write with the same rules we read by, so a bad config fails here and
  // not when the model is loaded later.
  const std::string text = config_to_json(config).dump(2) + "\n";
  config_from_json(json::parse(text), path);
  write_file_atomic(path, text);
}

}  // namespace rnngen::io
