// The OpenAI completions request as the server reads it: the fields map onto `rnngen sample`'s
// options, and each bad field is a RequestError with the right status and "param".
#include "serve/completion_request.h"

#include <gtest/gtest.h>

namespace rnngen::serve {
namespace {

using nlohmann::json;

TEST(CompletionRequest, MapsFieldsOntoSampleOptions) {
  const CompletionRequest r = parse_completion(
      json::parse(R"({"model": "m", "prompt": ["a", "b"], "max_tokens": 7, "temperature": 0.5, "top_p": 0.9,
                      "top_k": 3, "n": 2, "seed": 11, "stop": ["\n"], "stream": true, "echo": true,
                      "logprobs": null, "frequency_penalty": 0})"),
      "m", Limits{});
  EXPECT_EQ(r.prompts, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.options.length, 7);
  EXPECT_EQ(r.options.temperature, 0.5);
  EXPECT_EQ(r.options.top_p, 0.9);
  EXPECT_EQ(r.options.top_k, 3);
  EXPECT_EQ(r.options.seed, 11u);
  EXPECT_EQ(r.options.stop, "\n");
  EXPECT_EQ(r.n, 2);
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.echo);
}

TEST(CompletionRequest, DefaultsAreOpenAIs) {
  const CompletionRequest r = parse_completion(json::parse(R"({"prompt": "x"})"), "m", Limits{});
  EXPECT_EQ(r.options.length, 16);
  EXPECT_EQ(r.options.temperature, 1.0);
  EXPECT_FALSE(r.options.seed.has_value());
  EXPECT_EQ(r.n, 1);
  EXPECT_FALSE(r.stream);
}

TEST(CompletionRequest, BadFieldsNameTheirParam) {
  Limits limits;
  limits.max_tokens = 100;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"prompt": "x", "max_tokens": 101})", "max_tokens"},
      {R"({"prompt": "x", "max_tokens": 0})", "max_tokens"},
      {R"({"prompt": "x", "max_tokens": 2.5})", "max_tokens"},
      {R"({"prompt": "x", "temperature": "hot"})", "temperature"},
      {R"({"prompt": "x", "temperature": 2.5})", "temperature"},
      {R"({"prompt": "x", "top_p": 0})", "top_p"},
      {R"({"prompt": "x", "top_k": -1})", "top_k"},
      {R"({"prompt": "x", "n": 17})", "n"},
      {R"({"prompt": "x", "seed": -1})", "seed"},
      {R"({"prompt": "x", "stop": ["a", "b"]})", "stop"},
      {R"({"prompt": "x", "stream": "yes"})", "stream"},
      {R"({"prompt": "x", "logprobs": 6})", "logprobs"},
      {R"({"prompt": [1, 2]})", "prompt"},
      {R"({"prompt": []})", "prompt"},
  };
  for (const auto& [body, param] : cases) {
    try {
      parse_completion(json::parse(body), "m", limits);
      ADD_FAILURE() << body << " was accepted";
    } catch (const RequestError& e) {
      EXPECT_EQ(e.status, 400) << body;
      EXPECT_EQ(e.param, param) << body;
      const json j = error_json(e);
      EXPECT_EQ(j["error"]["param"], param);
      EXPECT_EQ(j["error"]["type"], "invalid_request_error");
    }
  }
}

TEST(CompletionRequest, UnknownModelIs404) {
  try {
    parse_completion(json::parse(R"({"prompt": "x", "model": "gpt"})"), "m", Limits{});
    ADD_FAILURE();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status, 404);
    EXPECT_EQ(e.code, "model_not_found");
  }
}

TEST(CompletionRequest, MalformedBodiesAre400) {
  for (const std::string body : {"{", "[1]", "\"s\"", "{\"prompt\": \"\xff\"}"}) {
    try {
      parse_body(body);
      ADD_FAILURE() << body;
    } catch (const RequestError& e) {
      EXPECT_EQ(e.status, 400);
      EXPECT_EQ(e.code, "invalid_json");
    }
  }
}

}  // namespace
}  // namespace rnngen::serve
