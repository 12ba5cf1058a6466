// `rnngen eval --json` on the model directory PyTorch wrote (tests/golden/torch_model) gives
// PyTorch's NLL for the golden text, with every key the contract names.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/cli_fixtures.h"

namespace rnngen::testing {
namespace {

TEST(EvalGolden, MatchesPyTorchsNll) {
  const std::string golden = std::string(RNNGEN_SOURCE_DIR) + "/tests/golden/";
  const CliResult r = run_cli({"eval", golden + "torch_model", golden + "torch_eval_text.txt", "--json", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one JSON object on one line: " << r.out;
  const nlohmann::json got = nlohmann::json::parse(r.out);
  const nlohmann::json want = nlohmann::json::parse(std::ifstream(golden + "torch_eval.json"));

  for (const char* key : {"tokens", "nll", "perplexity", "bits_per_token"}) ASSERT_TRUE(got.contains(key)) << key;
  EXPECT_EQ(got["tokens"].get<int64_t>(), want["tokens"].get<int64_t>());
  const double nll = got["nll"], want_nll = want["nll"];
  EXPECT_NEAR(nll, want_nll, 1e-5 * std::abs(want_nll));
  // The derived values are the contract's functions of nll.
  EXPECT_NEAR(got["perplexity"].get<double>(), std::exp(nll), 1e-12 * std::exp(nll));
  EXPECT_NEAR(got["bits_per_token"].get<double>(), nll / std::log(2.0), 1e-12);
}

}  // namespace
}  // namespace rnngen::testing
