// The public C++ API (rnngen/model.h) against the command line: generate is `rnngen sample`
// byte for byte, score is `rnngen eval --json`, hidden states end where a window forward does,
// and every bad input is an InputError, never an abort.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cli/cli_fixtures.h"
#include "models/model_dir.h"
#include "rnngen/error.h"
#include "rnngen/model.h"
#include "temp_dir.h"

namespace rnngen::testing {
namespace {

class ModelApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir;
    std::string text = tiny_corpus(40);
    for (int i = 0; i < 8; ++i) text += "café naïve 한국어 😀 the cat\n";
    const std::string data = tmp_->write("data.txt", text);
    dir_ = tmp_->file("model");
    const CliResult r = run_cli(tiny_train_args(data, dir_) + std::vector<std::string>{"--max-steps", "30"});
    ASSERT_EQ(r.exit_code, 0) << show(r);
    model_ = Model::load(dir_);
  }
  static void TearDownTestSuite() {
    model_.reset();
    delete tmp_;
  }
  // What `rnngen sample` prints after the prime, without its final newline.
  static std::string cli_sample(const std::string& prime, const std::vector<std::string>& flags) {
    const CliResult r = run_cli(std::vector<std::string>{"sample", dir_, "--prime", prime} + flags);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    EXPECT_EQ(r.out.substr(0, prime.size()), prime);
    return r.out.substr(prime.size(), r.out.size() - prime.size() - 1);
  }

  static TempDir* tmp_;
  static std::string dir_;
  static std::shared_ptr<const Model> model_;
};

TempDir* ModelApi::tmp_ = nullptr;
std::string ModelApi::dir_;
std::shared_ptr<const Model> ModelApi::model_;

TEST_F(ModelApi, GenerateEqualsCliSample) {
  GenerateRequest r;
  r.prime = "café ";
  r.length = 150;
  r.temperature = 0.9;
  r.top_k = 12;
  r.seed = 5;
  std::string streamed;
  const Generation g = model_->generate(r, [&](std::string_view p) {
    streamed += p;
    return true;
  });
  EXPECT_EQ(g.text, cli_sample("café ", {"--length", "150", "--temperature", "0.9", "--top-k", "12", "--seed", "5"}));
  EXPECT_EQ(streamed, g.text);
  EXPECT_EQ(g.tokens, 150);
  EXPECT_EQ(g.prompt_tokens, 5);

  GenerateRequest s;  // no prime, top-p, skipped tokens, a stop string, bf16 steps
  s.length = 300;
  s.top_p = 0.8;
  s.seed = 77;
  s.skip_tokens = {"a", "t"};
  s.stop = "\n";
  s.weights = "bf16";
  const Generation h = model_->generate(s);
  EXPECT_EQ(h.text, cli_sample("", {"--length", "300", "--top-p", "0.8", "--seed", "77", "--skip-tokens", "a t",
                                    "--stop", "\n", "--weights", "bf16"}));
  EXPECT_EQ(h.text.find('a'), std::string::npos);
  EXPECT_TRUE(h.stopped);
}

TEST_F(ModelApi, SinkReturningFalseStopsGeneration) {
  GenerateRequest r;
  r.length = 1000;
  r.seed = 1;
  int calls = 0;
  const Generation g = model_->generate(r, [&](std::string_view) { return ++calls < 3; });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(g.tokens, 3);
}

TEST_F(ModelApi, ConcurrentGenerationsEqualSerialOnes) {
  std::vector<std::string> serial(4), parallel(4);
  auto req = [](int i) {
    GenerateRequest r;
    r.prime = i % 2 ? "the " : "한국";
    r.length = 200;
    r.seed = 100 + i;
    return r;
  };
  for (int i = 0; i < 4; ++i) serial[i] = model_->generate(req(i)).text;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { parallel[i] = model_->generate(req(i)).text; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(parallel, serial);
}

TEST_F(ModelApi, ScoreEqualsCliEval) {
  const std::string text = "the cat sat\ncafé 😀 on a mat\n";
  const std::string file = tmp_->write("score.txt", text);
  const CliResult r = run_cli({"eval", dir_, file, "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const auto want = nlohmann::json::parse(r.out);
  const TextScore s = model_->score(text);
  EXPECT_EQ(s.tokens, want["tokens"].get<int64_t>());
  EXPECT_EQ(s.nll, want["nll"].get<double>());
  EXPECT_EQ(s.perplexity, want["perplexity"].get<double>());
  EXPECT_EQ(s.bits_per_char, want["bits_per_char"].get<double>());
  EXPECT_EQ(s.predicted_characters, want["predicted_characters"].get<int64_t>());
}

TEST_F(ModelApi, HiddenStatesEndAtTheForwardPassFinalState) {
  const std::string text = "the dog ran café";
  const HiddenStates h = model_->hidden_states(text);
  ASSERT_EQ(h.tokens, 16);
  const auto cfg = nlohmann::json::parse(model_->config_json());
  ASSERT_EQ(h.layers, cfg["num_layers"].get<int>());
  ASSERT_EQ(h.hidden, cfg["hidden_size"].get<int>());
  ASSERT_EQ(h.h.size(), static_cast<size_t>(h.tokens * h.layers * h.hidden));
  ASSERT_EQ(h.c.size(), h.h.size());  // an LSTM
  // The training path's forward over the whole text at once, from the same weights.
  models::LoadedModel m = models::load_model_dir(dir_);
  m.net->forward(h.ids.data(), nullptr, 1, h.tokens, nullptr, {});
  models::LmState<float> s;
  m.net->final_state(s);
  const size_t last = static_cast<size_t>(h.tokens - 1) * h.layers * h.hidden;
  for (size_t i = 0; i < s.h.size(); ++i) {
    EXPECT_NEAR(h.h[last + i], s.h[i], 1e-5);
    EXPECT_NEAR(h.c[last + i], s.c[i], 1e-5);
  }
}

TEST_F(ModelApi, BadInputThrowsInputError) {
  auto gen = [](auto edit) {
    GenerateRequest r;
    r.length = 5;
    edit(r);
    model_->generate(r);
  };
  EXPECT_THROW(gen([](GenerateRequest& r) { r.temperature = -1; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.top_p = 1.5; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.length = 0; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.top_k = -2; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.prime = "XYZ"; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.prime = "\xff"; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.skip_tokens = {"nope"}; }), InputError);
  EXPECT_THROW(gen([](GenerateRequest& r) { r.weights = "fp8"; }), InputError);
  EXPECT_THROW(model_->score("t"), InputError);
  EXPECT_THROW(model_->hidden_states("\xc3"), InputError);
  EXPECT_THROW(model_->tokenizer().decode({-1}), InputError);
  EXPECT_THROW(model_->tokenizer().decode({model_->tokenizer().vocab_size()}), InputError);
  EXPECT_THROW(model_->tokenizer().encode("Q"), InputError);
  EXPECT_THROW(Model::load(tmp_->file("missing")), InputError);
  EXPECT_THROW(set_num_threads(0), InputError);
}

TEST_F(ModelApi, TokenizerRoundTrips) {
  const Tokenizer& t = model_->tokenizer();
  EXPECT_EQ(t.type(), "char");
  const std::vector<int32_t> ids = t.encode("café 😀");
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(t.decode(ids), "café 😀");
  EXPECT_EQ(t.token(ids[3]), "é");
  EXPECT_EQ(model_->task(), "lm");
}

}  // namespace
}  // namespace rnngen::testing
