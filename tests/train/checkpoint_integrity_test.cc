// A checkpoint records a CRC-32C of what it holds: a corrupt or truncated one is refused,
// naming the file, whichever byte is damaged; the one it replaced is kept as
// previous.safetensors and read only when asked for.
#include <gtest/gtest.h>

#include <filesystem>

#include "rnngen/error.h"
#include "temp_dir.h"
#include "train/checkpoint.h"

namespace rnngen::train {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

Checkpoint sample(int step) {
  Checkpoint ck;
  ck.meta = {{"step", step}, {"rng", "12 34 56"}, {"nested", {{"a", 1.5}}}};
  ck.tensors["param/w"] = {1.0f, -2.0f, 3.5f};
  ck.tensors["optim/m"] = {0.25f, 0.0f};
  ck.tensors["state/h"] = {};
  return ck;
}

TEST(CheckpointIntegrity, RoundTripsAndKeepsThePreviousOne) {
  TempDir dir;
  const std::string d = dir.path().string();
  write_checkpoint(d, sample(5));
  EXPECT_FALSE(std::filesystem::exists(previous_checkpoint_path(d)));
  write_checkpoint(d, sample(10));
  EXPECT_EQ(read_checkpoint(d).meta["step"], 10);
  EXPECT_EQ(read_checkpoint(d).tensors.at("param/w"), (std::vector<float>{1.0f, -2.0f, 3.5f}));
  EXPECT_EQ(read_checkpoint(d, previous_checkpoint_path(d)).meta["step"], 5);
}

TEST(CheckpointIntegrity, EveryFlippedByteIsRefusedNamingTheFile) {
  TempDir dir;
  const std::string d = dir.path().string();
  write_checkpoint(d, sample(7));
  const std::string path = checkpoint_path(d);
  const std::string good = TempDir::read(path);
  ASSERT_GT(good.size(), 100u);
  for (size_t i = 0; i < good.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      dir.write("checkpoint/state.safetensors", bad);
      const std::string msg = error_of<InputError>([&] { read_checkpoint(d); });
      EXPECT_TRUE(msg.starts_with(path + ": ")) << "byte " << i << " ^ " << int(mask) << ": " << msg;
      if (::testing::Test::HasFailure()) return;  // one report, not thousands
    }
  }
}

TEST(CheckpointIntegrity, EveryTruncationIsRefused) {
  TempDir dir;
  const std::string d = dir.path().string();
  write_checkpoint(d, sample(7));
  const std::string path = checkpoint_path(d);
  const std::string good = TempDir::read(path);
  for (size_t n = 0; n < good.size(); ++n) {
    dir.write("checkpoint/state.safetensors", good.substr(0, n));
    const std::string msg = error_of<InputError>([&] { read_checkpoint(d); });
    EXPECT_TRUE(msg.starts_with(path + ": ")) << n << " bytes: " << msg;
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(CheckpointIntegrity, DamagedNewestPointsAtPreviousButNeverLoadsIt) {
  TempDir dir;
  const std::string d = dir.path().string();
  write_checkpoint(d, sample(5));
  write_checkpoint(d, sample(10));
  std::string bad = TempDir::read(checkpoint_path(d));
  bad[bad.size() - 3] ^= 0x10;  // a byte of tensor data
  dir.write("checkpoint/state.safetensors", bad);
  const std::string msg = error_of<InputError>([&] { read_checkpoint(d); });
  EXPECT_TRUE(msg.starts_with(checkpoint_path(d) + ": checkpoint is corrupt")) << msg;
  EXPECT_NE(msg.find("--resume-from " + previous_checkpoint_path(d)), std::string::npos) << msg;
  EXPECT_EQ(read_checkpoint(d, previous_checkpoint_path(d)).meta["step"], 5);
}

TEST(CheckpointIntegrity, ACheckpointWithoutChecksumIsRefused) {
  TempDir dir;
  const std::string d = dir.path().string();
  write_checkpoint(d, sample(5));
  std::string bytes = TempDir::read(checkpoint_path(d));
  const size_t k = bytes.find("rnngen_checksum");
  ASSERT_NE(k, std::string::npos);
  bytes[k] = 'R';  // the key no longer matches: as if no checksum had been written
  dir.write("checkpoint/state.safetensors", bytes);
  EXPECT_NE(error_of<InputError>([&] { read_checkpoint(d); }).find("has no rnngen_checksum"),
            std::string::npos);
}

}  // namespace
}  // namespace rnngen::train
