// A damaged or lying model directory, read through `rnngen summary`, `eval` and `sample`:
// every command exits 2 with one line naming the file and what is wrong, and leaves the
// directory exactly as it was. (tests/io holds the library-level cases; these prove the CLI
// maps them to the contract's exit status and message shape.)
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One trained tiny model for the whole suite; each test damages its own copy.
class BadModelDir : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir;
    const std::string data = root_->write("data.txt", tiny_corpus());
    const CliResult r = run_cli(tiny_train_args(data, root_->file("model")) + std::vector<std::string>{"--max-steps", "3"});
    ASSERT_EQ(r.exit_code, 0) << show(r);
  }
  static void TearDownTestSuite() { delete root_; }

  void SetUp() override {
    dir_ = tmp_.file("model");
    fs::copy(root_->file("model"), dir_, fs::copy_options::recursive);
    text_ = tmp_.write("text.txt", "the cat sat on a mat\n");
  }

  std::string file(const char* name) const { return (fs::path(dir_) / name).string(); }
  std::string read(const char* name) const { return TempDir::read(file(name)); }
  void write(const char* name, const std::string& bytes) const {
    std::ofstream(file(name), std::ios::binary | std::ios::trunc) << bytes;
  }

  // Runs every command that loads a model; each must fail the same way and touch nothing.
  void expect_every_command_fails(const std::vector<std::string>& needles) const {
    const auto before = tree(tmp_.path());
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"summary", dir_},
             {"eval", dir_, text_, "--json", "--threads", "1"},
             {"sample", dir_, "--length", "5", "--seed", "1"}}) {
      SCOPED_TRACE(args[0]);
      const CliResult r = run_cli(args);
      expect_input_error(r, needles);
      EXPECT_EQ(r.out, "") << "nothing may be printed before the model is known to be good";
    }
    EXPECT_EQ(tree(tmp_.path()), before) << "a failed command changed or left files";
  }

  struct Safetensors {
    json header;
    std::string data;
  };
  Safetensors weights() const {
    const std::string b = read("model.safetensors");
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(b[i]);
    return {json::parse(b.substr(8, n)), b.substr(8 + n)};
  }
  static std::string length_prefix(uint64_t n) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    return s;
  }
  void write_weights(const Safetensors& s) const {
    const std::string h = s.header.dump();
    write("model.safetensors", length_prefix(h.size()) + h + s.data);
  }
  void edit_json(const char* name, const std::function<void(json&)>& f) const {
    json j = json::parse(read(name));
    f(j);
    write(name, j.dump());
  }

  static TempDir* root_;
  TempDir tmp_;
  std::string dir_, text_;
};

TempDir* BadModelDir::root_ = nullptr;

TEST_F(BadModelDir, IntactModelWorks) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"summary", dir_}, {"eval", dir_, text_, "--threads", "1"}, {"sample", dir_, "--length", "5", "--seed", "1"}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << show(r);
  }
}

TEST_F(BadModelDir, HeaderLengthPastEndOfFile) {
  const std::string b = read("model.safetensors");
  write("model.safetensors", length_prefix(b.size()) + b.substr(8));
  expect_every_command_fails({"model.safetensors", "header length", "past the end of the file"});
}

TEST_F(BadModelDir, TruncatedData) {
  const std::string b = read("model.safetensors");
  write("model.safetensors", b.substr(0, b.size() - 10));
  expect_every_command_fails({"model.safetensors", "past the end of the data"});
}

TEST_F(BadModelDir, ShorterThanTheLengthField) {
  write("model.safetensors", "abc");
  expect_every_command_fails({"model.safetensors", "too short"});
}

TEST_F(BadModelDir, HugeHeaderLength) {
  const std::string b = read("model.safetensors");
  write("model.safetensors", length_prefix(uint64_t{1} << 40) + b.substr(8));
  expect_every_command_fails({"model.safetensors", "exceeds the limit"});
}

TEST_F(BadModelDir, OffsetsOutOfRange) {
  Safetensors s = weights();
  s.header["decoder.bias"]["data_offsets"][1] = s.data.size() + 64;
  write_weights(s);
  expect_every_command_fails({"model.safetensors", "decoder.bias", "data_offsets"});
}

TEST_F(BadModelDir, OverlappingTensors) {
  Safetensors s = weights();
  s.header["rnn.bias_hh_l0"]["data_offsets"] = s.header["rnn.bias_ih_l0"]["data_offsets"];
  write_weights(s);
  expect_every_command_fails({"model.safetensors", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "overlap"});
}

TEST_F(BadModelDir, WrongDtype) {
  Safetensors s = weights();
  s.header["decoder.weight"]["dtype"] = "F16";
  write_weights(s);
  expect_every_command_fails({"model.safetensors", "decoder.weight", "F16"});
}

// Bytes that are valid safetensors but not a usable model: a NaN or an infinity in a weight.
TEST_F(BadModelDir, NonFiniteWeight) {
  for (const float bad : {std::nanf(""), -INFINITY}) {
    SCOPED_TRACE(bad);
    Safetensors s = weights();
    const uint64_t at = s.header["rnn.weight_hh_l0"]["data_offsets"][0].get<uint64_t>() + 4 * 5;
    std::memcpy(s.data.data() + at, &bad, 4);
    write_weights(s);
    expect_every_command_fails({"model.safetensors", "rnn.weight_hh_l0", "at index 5",
                                std::isnan(bad) ? "NaN" : "an infinity"});
  }
}

TEST_F(BadModelDir, TensorShapeDisagreesWithConfig) {
  edit_json("config.json", [](json& c) { c["hidden_size"] = 9; });
  expect_every_command_fails({"model.safetensors", "config.json implies"});
}

TEST_F(BadModelDir, ConfigMissingKey) {
  edit_json("config.json", [](json& c) { c.erase("hidden_size"); });
  expect_every_command_fails({"config.json", "\"hidden_size\""});
}

TEST_F(BadModelDir, ConfigWrongType) {
  edit_json("config.json", [](json& c) { c["num_layers"] = "1"; });
  expect_every_command_fails({"config.json", "\"num_layers\""});
}

TEST_F(BadModelDir, ConfigNegativeSize) {
  edit_json("config.json", [](json& c) { c["embed_size"] = -4; });
  expect_every_command_fails({"config.json", "\"embed_size\""});
}

TEST_F(BadModelDir, ConfigEmpty) {
  write("config.json", "");
  expect_every_command_fails({"config.json", "not valid JSON"});
}

TEST_F(BadModelDir, TokenizerDuplicateTokens) {
  edit_json("tokenizer.json", [](json& t) { t["tokens"][2] = t["tokens"][1]; });
  expect_every_command_fails({"tokenizer.json", "tokens[2]", "duplicates tokens[1]"});
}

TEST_F(BadModelDir, TokenizerDisagreesWithConfig) {
  edit_json("tokenizer.json", [](json& t) { t["tokens"].push_back("Q"); });
  expect_every_command_fails({"tokenizer.json", "vocab_size"});
}

TEST_F(BadModelDir, MissingFile) {
  fs::remove(file("model.safetensors"));
  expect_every_command_fails({"model.safetensors", "missing"});
}

TEST_F(BadModelDir, EmptyWeightsFile) {
  write("model.safetensors", "");
  expect_every_command_fails({"model.safetensors", "too short"});
}

TEST_F(BadModelDir, NoSuchDirectory) {
  fs::remove_all(dir_);
  expect_every_command_fails({dir_, "no such model directory"});
}

}  // namespace
}  // namespace rnngen::testing
