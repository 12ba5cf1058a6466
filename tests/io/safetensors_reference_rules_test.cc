// One crafted file per rule that the format's reference reader (huggingface/safetensors,
// safetensors/src/tensor.rs: SafeTensors::read_metadata and Metadata::validate) enforces,
// named by the rule's number in docs/format.md ("ST1" ... "ST17"). Each file is refused (or,
// where the reference accepts, read) by both of our readers.
#include <gtest/gtest.h>

#include <cstring>

#include "io/safetensors.h"
#include "io/safetensors_bytes.h"
#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::io {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

using rnngen::testing::file_bytes;
using rnngen::testing::floats;
using rnngen::testing::le64;
std::string f32(std::string_view name, std::string_view shape, uint64_t b, uint64_t e) {
  return "\"" + std::string(name) + "\":{\"dtype\":\"F32\",\"shape\":" + std::string(shape) +
         ",\"data_offsets\":[" + std::to_string(b) + "," + std::to_string(e) + "]}";
}

// Both readers refuse the bytes with one line that names the file and contains `expected`.
void expect_refused(const std::string& bytes, const std::string& expected) {
  TempDir dir;
  const std::string path = dir.write("crafted.safetensors", bytes);
  const std::string msg = error_of<InputError>([&] { read_safetensors(path); });
  EXPECT_EQ(error_of<InputError>([&] { SafetensorsView v(path); }), msg);
  EXPECT_TRUE(msg.starts_with(path + ": ")) << msg;
  EXPECT_NE(msg.find(expected), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

std::map<std::string, LoadedTensor> accepted(const std::string& bytes) {
  TempDir dir;
  const std::string path = dir.write("crafted.safetensors", bytes);
  SafetensorsView view(path);  // must not throw either
  return read_safetensors(path);
}

TEST(SafetensorsReferenceRules, ST1_FileShorterThan8Bytes) {
  expect_refused(std::string("\x02\0\0\0\0\0\0", 7), "7 bytes, too short");
}

TEST(SafetensorsReferenceRules, ST2_HeaderOver100MB) {
  expect_refused(le64(100'000'001) + "{}", "exceeds the limit of 100000000");
}

TEST(SafetensorsReferenceRules, ST3_HeaderPastEndOfFile) {
  expect_refused(le64(3) + "{}", "header length 3 runs past the end of the file (10 bytes)");
}

TEST(SafetensorsReferenceRules, ST4_HeaderNotUtf8) {
  expect_refused(file_bytes("{\"__metadata__\":{\"k\":\"\xc3\x28\"}}", ""), "not valid JSON");
}

TEST(SafetensorsReferenceRules, ST5_ByteOrderMarkRefused) {
  expect_refused(file_bytes("\xEF\xBB\xBF{}", ""), "byte-order mark");
}

TEST(SafetensorsReferenceRules, ST5_NulPaddingRefusedSpacesAccepted) {
  expect_refused(file_bytes(std::string("{}\0\0\0\0\0\0", 8), ""), "NUL byte at header byte 2");
  expect_refused(file_bytes("{} x", ""), "not valid JSON");
  EXPECT_TRUE(accepted(file_bytes("{}  \t\n  ", "")).empty());
}

// Found by fuzz/safetensors_fuzz (fuzz/regressions/safetensors/number_out_of_range): a number
// beyond a double's range escaped the reader as nlohmann's out_of_range, not an InputError.
TEST(SafetensorsReferenceRules, ST5_NumberOutOfRangeIsInvalidJson) {
  expect_refused(file_bytes(R"({"s":1E999})", ""), "not valid JSON");
  TempDir dir;
  const std::string path = dir.write(
      "found.safetensors",
      TempDir::read(std::string(RNNGEN_SOURCE_DIR) + "/fuzz/regressions/safetensors/number_out_of_range"));
  EXPECT_TRUE(error_of<InputError>([&] { read_safetensors(path); }).starts_with(path + ": "));
}

TEST(SafetensorsReferenceRules, ST6_HeaderMustBeAnObject) {
  expect_refused(file_bytes("\"F32\"", ""), "must be a JSON object, got string");
}

TEST(SafetensorsReferenceRules, ST7_MetadataStringsOnlyNullIsNoneNoRepeat) {
  expect_refused(file_bytes(R"({"__metadata__":{"a":1}})", ""), "values must be strings");
  expect_refused(file_bytes(R"({"__metadata__":"pt"})", ""), "must be an object of strings");
  expect_refused(file_bytes(R"({"__metadata__":{},"__metadata__":{}})", ""),
                 "duplicate field \"__metadata__\"");
  EXPECT_TRUE(accepted(file_bytes(R"({"__metadata__":null})", "")).empty());
  TempDir dir;
  const std::string p = dir.write("m", file_bytes(R"({"__metadata__":{"k":"1","k":"2"}})", ""));
  EXPECT_EQ(read_safetensors_metadata(p), (std::map<std::string, std::string>{{"k", "2"}}))
      << "a repeated metadata key: the later wins, as in the reference's HashMap";
}

TEST(SafetensorsReferenceRules, ST8_EntryFieldsRequiredUniqueExtraIgnored) {
  expect_refused(file_bytes(R"({"w":{"dtype":"F32","shape":[1]}})", floats({1})),
                 "tensor \"w\": missing \"data_offsets\"");
  expect_refused(
      file_bytes(R"({"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                 floats({1})),
      "tensor \"w\": duplicate field \"dtype\"");
  expect_refused(
      file_bytes(R"({"w":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}})",
                 floats({1})),
      "duplicate field \"shape\"");
  const auto t = accepted(file_bytes(
      R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":{"dtype":1,"dtype":2}}})",
      floats({7})));
  EXPECT_EQ(t.at("w").data, std::vector<float>{7});
}

TEST(SafetensorsReferenceRules, ST9_DtypeMustBeKnownAndHereF32) {
  expect_refused(file_bytes("{" + std::string(R"("w":{"dtype":"X9","shape":[1],"data_offsets":[0,4]})") + "}",
                            floats({1})),
                 "dtype \"X9\" is not supported");
  expect_refused(file_bytes(R"({"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})",
                            floats({1})),
                 "dtype \"BF16\" is not supported (only F32)");
}

TEST(SafetensorsReferenceRules, ST10_ShapeNonNegativeIntegers) {
  expect_refused(file_bytes("{" + f32("w", "[1.0]", 0, 4) + "}", floats({1})),
                 "must be an array of integers");
  expect_refused(file_bytes("{" + f32("w", "[-1]", 0, 4) + "}", floats({1})),
                 "negative dimension -1");
  expect_refused(file_bytes("{" + f32("w", "[\"1\"]", 0, 4) + "}", floats({1})),
                 "must be an array of integers");
}

TEST(SafetensorsReferenceRules, ST11_DataOffsetsTwoNonNegativeIntegers) {
  expect_refused(file_bytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})",
                            floats({1})),
                 "\"data_offsets\" must be [begin, end]");
  expect_refused(file_bytes(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}})",
                            floats({1})),
                 "\"data_offsets\" must be [begin, end]");
}

TEST(SafetensorsReferenceRules, ST12_ShapeOverflowRefusedEvenWithAZero) {
  expect_refused(file_bytes("{" + f32("w", "[4294967296,4294967296,0]", 0, 0) + "}", ""),
                 "is too large");
}

TEST(SafetensorsReferenceRules, ST13_EndBeforeBegin) {
  expect_refused(file_bytes("{" + f32("w", "[1]", 4, 0) + "}", floats({1})),
                 "data_offsets [4, 0] end before they begin");
}

TEST(SafetensorsReferenceRules, ST14_ByteRangeMatchesShape) {
  expect_refused(file_bytes("{" + f32("w", "[3]", 0, 8) + "}", floats({1, 2})),
                 "shape [3] needs 12 bytes but data_offsets [0, 8] hold 8");
}

TEST(SafetensorsReferenceRules, ST15_TensorsTileTheDataWithNoGapOrOverlap) {
  expect_refused(file_bytes("{" + f32("a", "[1]", 0, 4) + "," + f32("b", "[1]", 8, 12) + "}",
                            floats({1, 9, 2})),
                 "tensor \"b\": data_offsets [8, 12] leave a gap: bytes [4, 8]");
  expect_refused(file_bytes("{" + f32("a", "[1]", 4, 8) + "}", floats({9, 1})),
                 "leave a gap: bytes [0, 4]");
  expect_refused(file_bytes("{" + f32("a", "[2]", 0, 8) + "," + f32("b", "[2]", 4, 12) + "}",
                            floats({1, 2, 3})),
                 "overlap");
  // An empty tensor inside another's bytes: the reference refuses it too (its begin is not
  // where the previous tensor, in offset order, ended).
  expect_refused(file_bytes("{" + f32("a", "[2]", 0, 8) + "," + f32("e", "[0]", 4, 4) + "}",
                            floats({1, 2})),
                 "overlap");
  // Empty tensors at a boundary are fine, and header order does not matter.
  const auto t = accepted(file_bytes("{" + f32("b", "[1]", 4, 8) + "," + f32("e", "[0]", 4, 4) +
                                         "," + f32("a", "[1]", 0, 4) + "," +
                                         f32("z", "[0,3]", 8, 8) + "}",
                                     floats({1, 2})));
  EXPECT_EQ(t.at("a").data, std::vector<float>{1});
  EXPECT_EQ(t.at("b").data, std::vector<float>{2});
  EXPECT_TRUE(t.at("e").data.empty());
}

TEST(SafetensorsReferenceRules, ST16_NoBytesAfterTheLastTensor) {
  expect_refused(file_bytes("{" + f32("a", "[1]", 0, 4) + "}", floats({1, 2})),
                 "the tensors cover 4 bytes but the data section holds 8");
  expect_refused(file_bytes("{}", "x"), "cover 0 bytes but the data section holds 1");
}

TEST(SafetensorsReferenceRules, ST17_RepeatedTensorNameLaterWins) {
  const auto t = accepted(
      file_bytes("{" + f32("a", "[2]", 0, 8) + "," + f32("a", "[1,2]", 0, 8) + "}", floats({1, 2})));
  EXPECT_EQ(t.at("a").shape, (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace rnngen::io
