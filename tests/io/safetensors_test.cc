// safetensors: files built byte by byte from the format's description (not by our writer),
// a round trip, and one corrupt file per check the reader makes.
#include "io/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rnngen/error.h"
#include "io/safetensors_bytes.h"
#include "temp_dir.h"

namespace rnngen::io {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

using rnngen::testing::file_bytes;
using rnngen::testing::floats;
using rnngen::testing::le64;

TEST(Safetensors, ReadsAFileBuiltByHandFromTheSpec) {
  TempDir dir;
  // IEEE-754 single precision, little-endian: 1.0 = 3F800000, 2.0 = 40000000,
  // -0.5 = BF000000, 0.25 = 3E800000, 3.0 = 40400000.
  const std::string data("\x00\x00\x80\x3f" "\x00\x00\x00\x40" "\x00\x00\x00\xbf"
                         "\x00\x00\x80\x3e" "\x00\x00\x40\x40", 20);
  // Header entries deliberately not in offset order, with spaces like other writers leave.
  const std::string header =
      R"({"b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]},)"
      R"( "__metadata__": {"format": "pt"},)"
      R"( "a": {"dtype": "F32", "shape": [1, 3], "data_offsets": [0, 12]}}   )";
  const std::string path = dir.write("hand.safetensors", file_bytes(header, data));

  auto t = read_safetensors(path);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.at("a").shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(t.at("a").data, (std::vector<float>{1.0f, 2.0f, -0.5f}));
  EXPECT_EQ(t.at("b").shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(t.at("b").data, (std::vector<float>{0.25f, 3.0f}));
  EXPECT_EQ(read_safetensors_metadata(path),
            (std::map<std::string, std::string>{{"format", "pt"}}));
}

TEST(SafetensorsView, ReadsTheSameTensorsInPlaceAtAnyAlignment) {
  TempDir dir;
  for (int pad = 0; pad < 4; ++pad) {  // shifts the data section through every alignment
    const std::string header = R"({"__metadata__": {"format": "pt"},)"
                               R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]},)"
                               R"( "a": {"dtype": "F32", "shape": [1, 3], "data_offsets": [0, 12]}})" +
                               std::string(pad, ' ');
    const std::string path = dir.write("v" + std::to_string(pad), file_bytes(header, floats({1, 2, -0.5f, 0.25f, 3})));
    const SafetensorsView v(path);
    ASSERT_EQ(v.tensors().size(), 2u);
    for (const auto& [name, t] : read_safetensors(path)) {
      const SafetensorsView::Tensor& w = v.tensors().at(name);
      EXPECT_EQ(w.shape, t.shape) << name;
      std::vector<float> got(w.count, -1.0f);
      w.copy_to(got.data());
      EXPECT_EQ(got, t.data) << name << ", header padded by " << pad;
    }
    EXPECT_EQ(v.metadata(), read_safetensors_metadata(path));
  }
}

TEST(SafetensorsView, MissingFileGivesReadSafetensorsError) {
  TempDir dir;
  const std::string path = (dir.path() / "none.safetensors").string();
  const std::string msg = error_of<InputError>([&] { read_safetensors(path); });
  EXPECT_EQ(error_of<InputError>([&] { SafetensorsView v(path); }), msg);
  EXPECT_FALSE(msg.empty());
}

TEST(Safetensors, RoundTripsShapesValuesAndMetadata) {
  TempDir dir;
  std::vector<float> w(12), b{-1.5f, 1e-30f, 3.4e38f}, scalar{42.0f};
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i) * 0.1f - 0.3f;
  const std::vector<TensorRef> refs = {
      {"rnn.weight_ih_l0", {4, 3}, w.data()},
      {"rnn.bias_ih_l0", {3}, b.data()},
      {"empty", {0, 5}, nullptr},
      {"scalar", {}, scalar.data()},
  };
  const std::map<std::string, std::string> meta = {{"format", "pt"}, {"rnngen", "1"}};
  const std::string path = dir.file("m.safetensors");
  write_safetensors(path, refs, meta);

  auto t = read_safetensors(path);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t.at("rnn.weight_ih_l0").shape, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(t.at("rnn.weight_ih_l0").data, w);
  EXPECT_EQ(t.at("rnn.bias_ih_l0").data, b);
  EXPECT_EQ(t.at("empty").shape, (std::vector<int64_t>{0, 5}));
  EXPECT_TRUE(t.at("empty").data.empty());
  EXPECT_EQ(t.at("scalar").shape, std::vector<int64_t>{});
  EXPECT_EQ(t.at("scalar").data, scalar);
  EXPECT_EQ(read_safetensors_metadata(path), meta);
}

TEST(Safetensors, WriterLayoutFollowsTheSpecAndTheGivenOrder) {
  TempDir dir;
  std::vector<float> a{1, 2, 3}, z{4, 5};
  const std::string path = dir.file("o.safetensors");
  write_safetensors(path, {{"z", {2}, z.data()}, {"a", {3}, a.data()}});
  const std::string bytes = TempDir::read(path);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(n % 8, 0u) << "header must be padded to a multiple of 8";
  ASSERT_EQ(bytes.size(), 8 + n + 20);
  const std::string header = bytes.substr(8, n);
  EXPECT_EQ(header.find_first_not_of(' ', header.rfind('}') + 1), std::string::npos)
      << "padding must be spaces";
  auto h = nlohmann::json::parse(header);
  EXPECT_EQ(h["z"]["data_offsets"], nlohmann::json::parse("[0, 8]"));
  EXPECT_EQ(h["a"]["data_offsets"], nlohmann::json::parse("[8, 20]"));
  EXPECT_EQ(h["a"]["dtype"], "F32");
  EXPECT_LT(header.find("\"z\""), header.find("\"a\"")) << "header lists tensors in given order";
  EXPECT_EQ(bytes.substr(8 + n), floats({4, 5, 1, 2, 3}));
  EXPECT_FALSE(h.contains("__metadata__"));

  // Same input, same bytes.
  write_safetensors(path, {{"z", {2}, z.data()}, {"a", {3}, a.data()}});
  EXPECT_EQ(TempDir::read(path), bytes);
}

TEST(Safetensors, WriterRejectsCallerBugs) {
  TempDir dir;
  float x = 1;
  const std::string path = dir.file("bad.safetensors");
  EXPECT_THROW(write_safetensors(path, {{"a", {1}, &x}, {"a", {1}, &x}}), std::invalid_argument);
  EXPECT_THROW(write_safetensors(path, {{"__metadata__", {1}, &x}}), std::invalid_argument);
  EXPECT_THROW(write_safetensors(path, {{"a", {-1}, &x}}), std::invalid_argument);
  EXPECT_THROW(write_safetensors(path, {{"a", {2}, nullptr}}), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Safetensors, HugeDimensionWithAZeroDimensionIsAnEmptyTensor) {
  TempDir dir;
  const std::string header =
      R"({"e":{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}})";
  auto t = read_safetensors(dir.write("e", file_bytes(header, "")));
  EXPECT_TRUE(t.at("e").data.empty());
}

// One corrupt file per check: the message must name the file and what is wrong.
struct Corrupt {
  const char* label;
  std::string bytes;
  std::string expected;  // substring of the message
};

std::string entry(std::string_view body, std::string_view name = "w") {
  return "{\"" + std::string(name) + "\":" + std::string(body) + "}";
}

void PrintTo(const Corrupt& c, std::ostream* os) { *os << c.label; }

class SafetensorsCorrupt : public ::testing::TestWithParam<Corrupt> {};

TEST_P(SafetensorsCorrupt, IsAnInputErrorNamingFileAndProblem) {
  TempDir dir;
  const std::string path = dir.write("corrupt.safetensors", GetParam().bytes);
  std::string msg = error_of<InputError>([&] { read_safetensors(path); });
  EXPECT_EQ(error_of<InputError>([&] { SafetensorsView v(path); }), msg) << "the view validates alike";
  EXPECT_TRUE(msg.starts_with(path + ": ")) << msg;
  EXPECT_NE(msg.find(GetParam().expected), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "message must be one line: " << msg;
}

const std::string k8 = floats({1, 2});  // 8 bytes of data

INSTANTIATE_TEST_SUITE_P(
    EveryCheck, SafetensorsCorrupt,
    ::testing::Values(
        Corrupt{"empty", "", "0 bytes, too short"},
        Corrupt{"short", std::string("\x05\0\0\0\0", 5), "5 bytes, too short"},
        Corrupt{"header_past_end", le64(100) + "{}", "header length 100 runs past the end"},
        Corrupt{"header_huge", le64(uint64_t{1} << 40) + "{}", "exceeds the limit"},
        Corrupt{"header_len_max", le64(~uint64_t{0}) + "{}", "exceeds the limit"},
        Corrupt{"not_json", file_bytes("{nope", ""), "header is not valid JSON"},
        Corrupt{"bad_utf8_json", file_bytes("{\"\xff\":1}", ""), "header is not valid JSON"},
        Corrupt{"not_object", file_bytes("[1,2]", ""), "must be a JSON object, got array"},
        Corrupt{"entry_not_object", file_bytes(entry("5"), ""),
                "tensor \"w\": entry must be an object, got integer"},
        Corrupt{"no_dtype", file_bytes(entry(R"({"shape":[2],"data_offsets":[0,8]})"), k8),
                "tensor \"w\": missing \"dtype\""},
        Corrupt{"no_shape", file_bytes(entry(R"({"dtype":"F32","data_offsets":[0,8]})"), k8),
                "tensor \"w\": missing \"shape\""},
        Corrupt{"no_offsets", file_bytes(entry(R"({"dtype":"F32","shape":[2]})"), k8),
                "tensor \"w\": missing \"data_offsets\""},
        Corrupt{"dtype_type",
                file_bytes(entry(R"({"dtype":32,"shape":[2],"data_offsets":[0,8]})"), k8),
                "\"dtype\" must be a string, got integer"},
        Corrupt{"dtype_f16",
                file_bytes(entry(R"({"dtype":"F16","shape":[4],"data_offsets":[0,8]})", "emb"),
                           k8),
                "tensor \"emb\": dtype \"F16\" is not supported (only F32)"},
        Corrupt{"shape_type",
                file_bytes(entry(R"({"dtype":"F32","shape":"2","data_offsets":[0,8]})"), k8),
                "\"shape\" must be an array of integers, got string"},
        Corrupt{"shape_float",
                file_bytes(entry(R"({"dtype":"F32","shape":[2.0],"data_offsets":[0,8]})"), k8),
                "\"shape\" must be an array of integers, found number 2.0"},
        Corrupt{"shape_negative",
                file_bytes(entry(R"({"dtype":"F32","shape":[-2,-1],"data_offsets":[0,8]})"), k8),
                "negative dimension -2"},
        Corrupt{"shape_mismatch",
                file_bytes(entry(R"({"dtype":"F32","shape":[2,3],"data_offsets":[0,8]})"), k8),
                "shape [2, 3] needs 24 bytes but data_offsets [0, 8] hold 8"},
        // 4 * 2^62 * 4 wraps to 0 in 64 bits: a careless product would accept [0, 0].
        Corrupt{"shape_overflow",
                file_bytes(entry(R"({"dtype":"F32","shape":[4611686018427387904,4],)"
                                 R"("data_offsets":[0,0]})"),
                           ""),
                "is too large"},
        Corrupt{"dim_past_int64",
                file_bytes(entry(R"({"dtype":"F32","shape":[0,18446744073709551615],)"
                                 R"("data_offsets":[0,0]})"),
                           ""),
                "dimension 18446744073709551615 in \"shape\" is too large"},
        Corrupt{"offsets_one",
                file_bytes(entry(R"({"dtype":"F32","shape":[2],"data_offsets":[8]})"), k8),
                "\"data_offsets\" must be [begin, end]"},
        Corrupt{"offsets_negative",
                file_bytes(entry(R"({"dtype":"F32","shape":[2],"data_offsets":[-8,0]})"), k8),
                "\"data_offsets\" must be [begin, end]"},
        Corrupt{"offsets_string",
                file_bytes(entry(R"({"dtype":"F32","shape":[2],"data_offsets":"0-8"})"), k8),
                "\"data_offsets\" must be [begin, end]"},
        Corrupt{"offsets_reversed",
                file_bytes(entry(R"({"dtype":"F32","shape":[1],"data_offsets":[8,4]})"), k8),
                "data_offsets [8, 4] end before they begin"},
        Corrupt{"offsets_past_data",
                file_bytes(entry(R"({"dtype":"F32","shape":[4],"data_offsets":[0,16]})"), k8),
                "data_offsets [0, 16] run past the end of the data section (8 bytes)"},
        Corrupt{"offsets_huge",
                file_bytes(entry(R"({"dtype":"F32","shape":[1],)"
                                 R"("data_offsets":[18446744073709551612,18446744073709551615]})"),
                           k8),
                "run past the end of the data section"},
        Corrupt{"overlap",
                file_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                           floats({1, 2, 3})),
                "tensors \"a\" [0, 8] and \"b\" [4, 12] overlap"},
        Corrupt{"same_range",
                file_bytes(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                           k8),
                "overlap"},
        Corrupt{"metadata_not_object", file_bytes(R"({"__metadata__":[1]})", ""),
                "\"__metadata__\" must be an object of strings, got array"},
        Corrupt{"metadata_value", file_bytes(R"({"__metadata__":{"epoch":3}})", ""),
                "values must be strings, but \"epoch\" is integer"},
        Corrupt{"name_with_newline", file_bytes(entry("null", "a\\nb"), ""),
                "tensor \"a\\nb\": entry must be an object, got null"}),
    [](const ::testing::TestParamInfo<Corrupt>& info) { return std::string(info.param.label); });

TEST(Safetensors, MissingFileIsInputError) {
  TempDir dir;
  const std::string path = dir.file("none.safetensors");
  EXPECT_EQ(error_of<InputError>([&] { read_safetensors(path); }),
            "cannot read " + path + ": No such file or directory");
}

}  // namespace
}  // namespace rnngen::io
