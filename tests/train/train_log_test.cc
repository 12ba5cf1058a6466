// read_train_log: the records the trainer writes, null validation, and errors naming the line.
#include "train/train_log.h"

#include <gtest/gtest.h>

#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::train {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;

TEST(TrainLog, ReadsRecordsWithAndWithoutValidation) {
  TempDir dir;
  const std::string path = dir.write("train_log.jsonl",
      "{\"step\":20,\"epoch\":0.5,\"tokens\":64000,\"train_nll\":3.5,\"val_nll\":3.25,\"lr\":0.002,"
      "\"tokens_per_s\":14000.5,\"elapsed_s\":8.25}\n"
      "\n"
      "{\"step\":40,\"epoch\":1,\"tokens\":128000,\"train_nll\":2.75,\"val_nll\":null,\"lr\":0.001,"
      "\"tokens_per_s\":15000,\"elapsed_s\":16.5,\"extra\":\"ignored\"}\n");
  const auto log = read_train_log(path);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].step, 20);
  EXPECT_EQ(log[0].tokens, 64000);
  EXPECT_DOUBLE_EQ(log[0].train_nll, 3.5);
  ASSERT_TRUE(log[0].val_nll.has_value());
  EXPECT_DOUBLE_EQ(*log[0].val_nll, 3.25);
  EXPECT_DOUBLE_EQ(log[0].elapsed_s, 8.25);
  EXPECT_FALSE(log[1].val_nll.has_value());
  EXPECT_DOUBLE_EQ(log[1].lr, 0.001);
}

TEST(TrainLog, ErrorsNameTheFileAndLine) {
  TempDir dir;
  EXPECT_NE(error_of<InputError>([&] { read_train_log(dir.file("missing.jsonl")); }).find("missing.jsonl"),
            std::string::npos);
  const std::string empty = dir.write("empty.jsonl", "\n\n");
  EXPECT_NE(error_of<InputError>([&] { read_train_log(empty); }).find("empty"), std::string::npos);
  const std::string bad = dir.write("bad.jsonl",
      "{\"step\":1,\"epoch\":0,\"tokens\":1,\"train_nll\":1,\"val_nll\":null,\"lr\":1,\"tokens_per_s\":1,\"elapsed_s\":1}\n"
      "{\"step\":2,\"epoch\":0,\"tokens\":\"many\"}\n");
  const std::string msg = error_of<InputError>([&] { read_train_log(bad); });
  EXPECT_NE(msg.find("bad.jsonl:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tokens"), std::string::npos) << msg;
  const std::string torn = dir.write("torn.jsonl", "{\"step\":1,\"epo");
  EXPECT_NE(error_of<InputError>([&] { read_train_log(torn); }).find("torn.jsonl:1"), std::string::npos);
}

}  // namespace
}  // namespace rnngen::train
