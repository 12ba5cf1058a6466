#include "util/env_switch.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>

namespace rnngen::util {
namespace {

bool is_yes(const char* v) { return v && std::strcmp(v, "yes") == 0; }

TEST(EnvSwitch, ReadsTheVariableOnFirstUseOnly) {
  const char* name = "RNNGEN_TEST_ENV_SWITCH";
  ::unsetenv(name);
  EnvSwitch unset(name, is_yes);
  EXPECT_FALSE(unset.on());

  ::setenv(name, "yes", 1);
  EnvSwitch read(name, is_yes);
  EXPECT_TRUE(read.on());
  EXPECT_FALSE(unset.on()) << "read again after its first use";
  ::setenv(name, "no", 1);
  EXPECT_TRUE(read.on()) << "read again after its first use";
  EnvSwitch other(name, is_yes);
  EXPECT_FALSE(other.on());
  ::unsetenv(name);
}

TEST(EnvSwitch, SetOverridesTheEnvironment) {
  const char* name = "RNNGEN_TEST_ENV_SWITCH_SET";
  ::setenv(name, "yes", 1);
  EnvSwitch s(name, is_yes);
  s.set(false);  // before the first read: the variable is never consulted
  EXPECT_FALSE(s.on());
  s.set(true);
  EXPECT_TRUE(s.on());
  ::unsetenv(name);
}

}  // namespace
}  // namespace rnngen::util
