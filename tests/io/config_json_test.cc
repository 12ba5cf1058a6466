// config.json: the contract's example loads, round trips keep every field, and each bad key
// is an InputError naming the file and the key.
#include "io/config_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::io {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

// The example from the contract, comments removed.
const char* kContractExample = R"({
  "format": "rnngen",
  "format_version": 1,
  "task": "lm",
  "cell": "lstm",
  "vocab_size": 65,
  "embed_size": 64,
  "hidden_size": 256,
  "num_layers": 2,
  "dropout": 0.0,
  "tie_weights": false
})";

TEST(ConfigJson, ReadsTheContractExample) {
  TempDir dir;
  ModelConfig c = read_config(dir.write("config.json", kContractExample));
  EXPECT_EQ(c.task, "lm");
  EXPECT_EQ(c.cell, "lstm");
  EXPECT_EQ(c.vocab_size, 65);
  EXPECT_EQ(c.embed_size, 64);
  EXPECT_EQ(c.hidden_size, 256);
  EXPECT_EQ(c.num_layers, 2);
  EXPECT_EQ(c.dropout, 0.0);
  EXPECT_FALSE(c.tie_weights);
}

TEST(ConfigJson, RoundTripsEveryField) {
  TempDir dir;
  ModelConfig c;
  c.task = "lm";
  c.cell = "gru";
  c.vocab_size = 1000;
  c.embed_size = 128;
  c.hidden_size = 128;
  c.num_layers = 3;
  c.dropout = 0.25;
  c.tie_weights = true;
  const std::string path = dir.file("config.json");
  write_config(c, path);
  ModelConfig r = read_config(path);
  EXPECT_EQ(r.task, c.task);
  EXPECT_EQ(r.cell, c.cell);
  EXPECT_EQ(r.vocab_size, c.vocab_size);
  EXPECT_EQ(r.embed_size, c.embed_size);
  EXPECT_EQ(r.hidden_size, c.hidden_size);
  EXPECT_EQ(r.num_layers, c.num_layers);
  EXPECT_EQ(r.dropout, c.dropout);
  EXPECT_EQ(r.tie_weights, c.tie_weights);
}

TEST(ConfigJson, RoundTripsEverySeq2SeqField) {
  TempDir dir;
  ModelConfig c;
  c.task = "seq2seq";
  c.cell = "lstm";
  c.vocab_size = 13;
  c.embed_size = 16;
  c.hidden_size = 128;
  c.decoder = "attention";
  c.reverse_source = true;
  c.bidirectional_encoder = true;
  c.max_target_len = 5;
  c.separator = "_";
  const std::string path = dir.file("config.json");
  write_config(c, path);
  const ModelConfig r = read_config(path);
  EXPECT_EQ(r.task, "seq2seq");
  EXPECT_EQ(r.decoder, "attention");
  EXPECT_TRUE(r.reverse_source);
  EXPECT_TRUE(r.bidirectional_encoder);
  EXPECT_EQ(r.max_target_len, 5);
  EXPECT_EQ(r.separator, "_");
  // A seq2seq config names its decoder; a typo in it is refused, naming the key.
  write_file_atomic(path, R"({"format": "rnngen", "format_version": 1, "task": "seq2seq", "cell": "lstm",
    "vocab_size": 13, "embed_size": 16, "hidden_size": 8, "num_layers": 1, "decoder": "peaky"})");
  try {
    read_config(path);
    FAIL() << "accepted decoder \"peaky\"";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("\"decoder\""), std::string::npos) << e.what();
  }
}

TEST(ConfigJson, WritesPrettyJsonInTheContractsKeyOrder) {
  TempDir dir;
  ModelConfig c;
  c.vocab_size = 65;
  c.embed_size = 64;
  c.hidden_size = 256;
  c.num_layers = 2;
  const std::string path = dir.file("config.json");
  write_config(c, path);
  EXPECT_EQ(TempDir::read(path),
            nlohmann::ordered_json::parse(kContractExample).dump(2) + "\n");
  EXPECT_TRUE(TempDir::read(path).starts_with("{\n  \"format\": \"rnngen\",\n"));
}

TEST(ConfigJson, IgnoresUnknownKeysAndDefaultsOptionalOnes) {
  TempDir dir;
  ModelConfig c = read_config(dir.write("config.json", R"({
    "format": "rnngen", "format_version": 1, "cell": "rnn", "vocab_size": 3,
    "embed_size": 0, "hidden_size": 8, "num_layers": 1,
    "future_key": {"anything": [1, 2]}, "notes": "hi"})"));
  EXPECT_EQ(c.task, "lm");
  EXPECT_EQ(c.cell, "rnn");
  EXPECT_EQ(c.embed_size, 0);
  EXPECT_EQ(c.dropout, 0.0);
  EXPECT_FALSE(c.tie_weights);
}

TEST(ConfigJson, RefusesToWriteAnInvalidConfig) {
  TempDir dir;
  ModelConfig c;  // vocab_size 0
  const std::string path = dir.file("config.json");
  std::string msg = error_of<InputError>([&] { write_config(c, path); });
  EXPECT_NE(msg.find("vocab_size"), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(path));
}

struct BadConfig {
  const char* label;
  std::string text;      // whole file, or a JSON patch merged into the contract example
  bool is_patch;
  std::string expected;  // substring of the message after "PATH: "
};

void PrintTo(const BadConfig& c, std::ostream* os) { *os << c.label; }

class ConfigJsonBad : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigJsonBad, IsAnInputErrorNamingFileAndKey) {
  TempDir dir;
  std::string text = GetParam().text;
  if (GetParam().is_patch) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(kContractExample);
    const nlohmann::ordered_json changes = nlohmann::ordered_json::parse(text);
    for (const auto& [k, v] : changes.items()) {
      if (v.is_string() && v.get<std::string>() == "<remove>")
        j.erase(k);
      else
        j[k] = v;
    }
    text = j.dump(2);
  }
  const std::string path = dir.write("config.json", text);
  std::string msg = error_of<InputError>([&] { read_config(path); });
  EXPECT_TRUE(msg.starts_with(path + ": ")) << msg;
  EXPECT_NE(msg.find(GetParam().expected), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

BadConfig patch(const char* label, std::string p, std::string expected) {
  return {label, std::move(p), true, std::move(expected)};
}

INSTANTIATE_TEST_SUITE_P(
    EveryKey, ConfigJsonBad,
    ::testing::Values(
        BadConfig{"not_json", "{\"format\": ", false, "not valid JSON: parse error at line 1"},
        BadConfig{"array", "[1]", false, "expected a JSON object, got array"},
        BadConfig{"empty_file", "", false, "not valid JSON"},
        patch("no_format", R"({"format": "<remove>"})", "missing required key \"format\""),
        patch("wrong_format", R"({"format": "keras"})",
              "key \"format\": must be \"rnngen\", got \"keras\""),
        patch("no_version", R"({"format_version": "<remove>"})",
              "missing required key \"format_version\""),
        patch("newer_version", R"({"format_version": 2})",
              "key \"format_version\": 2 is newer than this rnngen understands"),
        patch("version_string", R"({"format_version": "1"})",
              "key \"format_version\": must be an integer, got string"),
        patch("task", R"({"task": "classify"})", "key \"task\": unknown value \"classify\""),
        patch("no_cell", R"({"cell": "<remove>"})", "missing required key \"cell\""),
        patch("cell", R"({"cell": "transformer"})",
              "key \"cell\": unknown value \"transformer\" (expected one of \"lstm\""),
        patch("cell_type", R"({"cell": 1})", "key \"cell\": must be a string, got integer"),
        patch("no_vocab", R"({"vocab_size": "<remove>"})", "missing required key \"vocab_size\""),
        patch("vocab_string", R"({"vocab_size": "65"})",
              "key \"vocab_size\": must be an integer, got string"),
        patch("vocab_float", R"({"vocab_size": 65.0})",
              "key \"vocab_size\": must be an integer, got number"),
        patch("vocab_zero", R"({"vocab_size": 0})", "key \"vocab_size\": must be at least 1, got 0"),
        patch("vocab_huge", R"({"vocab_size": 1000000000000})",
              "key \"vocab_size\": is too large"),
        patch("embed_negative", R"({"embed_size": -1})",
              "key \"embed_size\": must be at least 0, got -1"),
        patch("no_embed", R"({"embed_size": "<remove>"})", "missing required key \"embed_size\""),
        patch("hidden_zero", R"({"hidden_size": 0})", "key \"hidden_size\": must be at least 1"),
        patch("no_hidden", R"({"hidden_size": "<remove>"})",
              "missing required key \"hidden_size\""),
        patch("layers_zero", R"({"num_layers": 0})", "key \"num_layers\": must be at least 1"),
        patch("layers_null", R"({"num_layers": null})",
              "key \"num_layers\": must be an integer, got null"),
        patch("no_layers", R"({"num_layers": "<remove>"})", "missing required key \"num_layers\""),
        patch("dropout_one", R"({"dropout": 1.0})", "key \"dropout\": must be in [0, 1), got 1.0"),
        patch("dropout_negative", R"({"dropout": -0.1})", "key \"dropout\": must be in [0, 1)"),
        patch("dropout_string", R"({"dropout": "0.1"})",
              "key \"dropout\": must be a number, got string"),
        patch("tie_string", R"({"tie_weights": "yes"})",
              "key \"tie_weights\": must be true or false, got string"),
        patch("tie_mismatch", R"({"tie_weights": true})",
              "key \"tie_weights\": needs embed_size == hidden_size, but embed_size is 64 and "
              "hidden_size is 256"),
        patch("tie_one_hot", R"({"tie_weights": true, "embed_size": 0, "hidden_size": 8})",
              "key \"tie_weights\": needs embed_size == hidden_size, but embed_size is 0")),
    [](const ::testing::TestParamInfo<BadConfig>& info) { return std::string(info.param.label); });

TEST(ConfigJson, MissingFileIsInputError) {
  TempDir dir;
  const std::string path = dir.file("config.json");
  EXPECT_EQ(error_of<InputError>([&] { read_config(path); }),
            "cannot read " + path + ": No such file or directory");
}

}  // namespace
}  // namespace rnngen::io

namespace rnngen::io {
namespace {

TEST(ConfigJson, EmbedDropoutIsWrittenOnlyWhenUsedAndRoundTrips) {
  ModelConfig c;
  c.cell = "lstm";
  c.vocab_size = 10;
  c.embed_size = 4;
  c.hidden_size = 4;
  EXPECT_FALSE(config_to_json(c).contains("embed_dropout"));
  c.embed_dropout = 0.25;
  const auto j = config_to_json(c);
  EXPECT_EQ(j.at("embed_dropout").get<double>(), 0.25);
  EXPECT_EQ(config_from_json(nlohmann::json::parse(j.dump()), "config.json").embed_dropout, 0.25);
  c.embed_size = 0;
  const std::string msg = rnngen::testing::error_of<InputError>(
      [&] { config_from_json(nlohmann::json::parse(config_to_json(c).dump()), "config.json"); });
  EXPECT_NE(msg.find("embed_dropout"), std::string::npos) << msg;
}

}  // namespace
}  // namespace rnngen::io
