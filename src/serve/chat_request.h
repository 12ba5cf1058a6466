// The OpenAI chat completions request (POST /v1/chat/completions) for seq2seq models: the last
// user message is the source, the answer is its translation. Every field is checked against
// the server's limits; a bad one is a RequestError naming it.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "rnngen/model.h"
#include "serve/completion_request.h"

namespace rnngen::serve {

struct ChatRequest {
  TranslateRequest translate;  // text = the last user message; max_len from max_tokens; beam (our extension)
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage: a last chunk with the usage
};

ChatRequest parse_chat(const nlohmann::json& body, const std::string& model_id, const Limits& limits);

}  // namespace rnngen::serve
