#include "serve/chat_request.h"

namespace rnngen::serve {

using nlohmann::json;

ChatRequest parse_chat(const json& body, const std::string& model_id, const Limits& limits) {
  check_model(body, model_id);
  ChatRequest r;
  const json* messages = body.contains("messages") ? &body["messages"] : nullptr;
  if (!messages || !messages->is_array() || messages->empty())
    throw RequestError(400, "messages: must be a non-empty list of {role, content}", "messages", "invalid_type");
  bool found = false;
  for (const json& m : *messages) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string())
      throw RequestError(400, "messages: each message needs a string role", "messages", "invalid_type");
    if (m["role"] != "user") continue;
    if (!m.contains("content") || !m["content"].is_string())
      throw RequestError(400, "messages: a user message's content must be a string", "messages", "invalid_type");
    r.translate.text = m["content"].get<std::string>();
    found = true;
  }
  if (!found) throw RequestError(400, "messages: no user message to answer", "messages", "invalid_value");
  if (r.translate.text.size() > limits.max_prompt_bytes)
    throw RequestError(400, "messages: the user message is too long", "messages", "too_long");
  auto integer = [&](const char* key, int lo, int hi, int fallback) {
    if (!body.contains(key) || body[key].is_null()) return fallback;
    const json& v = body[key];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
      throw RequestError(400, std::string(key) + ": must be an integer in [" + std::to_string(lo) + ", " +
                                  std::to_string(hi) + "]", key, "invalid_value");
    return v.get<int>();
  };
  r.translate.max_len = integer("max_tokens", 1, limits.max_tokens, 0);
  const int n = integer("n", 1, limits.max_n, 1);
  if (n != 1) throw RequestError(400, "n: a seq2seq model answers with one choice (n = 1)", "n", "invalid_value");
  r.translate.beam = integer("beam", 1, 64, 1);
  const StreamFlags sf = parse_stream(body);
  r.stream = sf.stream;
  r.include_usage = sf.include_usage;
  return r;
}

}  // namespace rnngen::serve
