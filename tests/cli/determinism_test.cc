// Contract section 3: the same train command with the same --seed and --threads writes the
// same model bytes, and `rnngen sample --seed` prints the same text; another seed changes both.
#include <gtest/gtest.h>

#include "cli/cli_fixtures.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class Determinism : public ::testing::TestWithParam<std::string> {  // param: --threads
 protected:
  std::string train(const std::string& name, const std::string& seed) {
    const std::string out = tmp_.file(name);
    // Dropout and validation on, so every RNG the trainer draws from is exercised.
    const CliResult r = run_cli(tiny_train_args(data_, out) + std::vector<std::string>{
                                    "--seed", seed, "--threads", GetParam(), "--dropout", "0.2",
                                    "--num-layers", "2", "--max-steps", "25", "--eval-every", "10"});
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return out;
  }
  std::string bytes(const std::string& dir, const char* file) { return TempDir::read(dir + "/" + file); }
  std::string sample(const std::string& dir, const std::string& seed) {
    const CliResult r = run_cli({"sample", dir, "--length", "200", "--seed", seed});
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return r.out;
  }

  TempDir tmp_;
  std::string data_ = tmp_.write("data.txt", tiny_corpus());
};

TEST_P(Determinism, SameSeedSameBytesAndSamples) {
  const std::string a = train("a", "11"), b = train("b", "11");
  for (const char* f : {"model.safetensors", "config.json", "tokenizer.json"}) {
    SCOPED_TRACE(f);
    EXPECT_FALSE(bytes(a, f).empty());
    EXPECT_TRUE(bytes(a, f) == bytes(b, f));
  }
  EXPECT_EQ(sample(a, "5"), sample(b, "5"));
  EXPECT_NE(sample(a, "5"), sample(a, "6"));
}

TEST_P(Determinism, OtherSeedOtherBytes) {
  const std::string a = train("a", "11"), c = train("c", "12");
  EXPECT_FALSE(bytes(a, "model.safetensors") == bytes(c, "model.safetensors"));
  EXPECT_EQ(bytes(a, "config.json"), bytes(c, "config.json"));
}

INSTANTIATE_TEST_SUITE_P(Threads, Determinism, ::testing::Values("1", "2"));

}  // namespace
}  // namespace rnngen::testing
