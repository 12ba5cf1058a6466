// parse_json turns every way nlohmann::json refuses bytes into one InputError naming them.
#include "io/json_file.h"

#include <gtest/gtest.h>

#include "rnngen/error.h"
#include "temp_dir.h"

namespace rnngen::io {
namespace {

using rnngen::testing::error_of;

TEST(ParseJson, NumberOutOfRangeIsAnInputError) {
  // nlohmann reports this as out_of_range, not parse_error; it used to escape as such.
  EXPECT_EQ(error_of<InputError>([] { parse_json(R"({"hidden_size": 1E999})", "config.json"); }),
            "config.json: not valid JSON: a number out of range");
}

TEST(ParseJson, SyntaxErrorNamesTheSource) {
  const std::string msg = error_of<InputError>([] { parse_json("{\"a\":", "tok.json"); });
  EXPECT_TRUE(msg.starts_with("tok.json: not valid JSON: ")) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace rnngen::io
