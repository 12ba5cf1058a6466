#include "serve/completion_request.h"

namespace rnngen::serve {

namespace {

using nlohmann::json;

RequestError bad(const std::string& param, const std::string& message, const std::string& code = "invalid_value") {
  return RequestError(400, param + ": " + message, param, code);
}

// A number field within [lo, hi]; `integer` also rejects 1.5.
double number(const json& body, const char* key, double fallback, double lo, double hi, bool integer) {
  if (!body.contains(key) || body[key].is_null()) return fallback;
  const json& v = body[key];
  if (!v.is_number() || (integer && !v.is_number_integer()))
    throw bad(key, std::string("must be ") + (integer ? "an integer" : "a number"), "invalid_type");
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi))
    throw bad(key, "must be in [" + (integer ? json(static_cast<int64_t>(lo)) : json(lo)).dump() + ", " +
                       (integer ? json(static_cast<int64_t>(hi)) : json(hi)).dump() + "], got " + v.dump());
  return x;
}

bool flag(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return false;
  if (!body[key].is_boolean()) throw bad(key, "must be true or false", "invalid_type");
  return body[key].get<bool>();
}

}  // namespace

json error_json(const RequestError& e) {
  return {{"error",
           {{"message", e.what()},
            {"type", e.type},
            {"param", e.param.empty() ? json(nullptr) : json(e.param)},
            {"code", e.code.empty() ? json(nullptr) : json(e.code)}}}};
}

json parse_body(const std::string& body) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    // nlohmann rejects invalid UTF-8 inside strings here too.
    throw RequestError(400, std::string("the body is not valid JSON: ") + e.what(), "", "invalid_json");
  }
  if (!j.is_object()) throw RequestError(400, "the body must be a JSON object", "", "invalid_json");
  return j;
}

void check_model(const json& body, const std::string& model_id) {
  if (!body.contains("model") || body["model"].is_null()) return;
  if (!body["model"].is_string()) throw bad("model", "must be a string", "invalid_type");
  if (body["model"].get<std::string>() != model_id)
    throw RequestError(404, "model '" + body["model"].get<std::string>() + "' does not exist; this server serves '" +
                                model_id + "'",
                       "model", "model_not_found");
}

CompletionRequest parse_completion(const json& body, const std::string& model_id, const Limits& limits) {
  check_model(body, model_id);
  CompletionRequest r;
  const json prompt = body.contains("prompt") ? body["prompt"] : json("");
  if (prompt.is_string()) {
    r.prompts.push_back(prompt.get<std::string>());
  } else if (prompt.is_array() && !prompt.empty()) {
    if (prompt.size() > static_cast<size_t>(limits.max_prompts))
      throw bad("prompt", "at most " + std::to_string(limits.max_prompts) + " prompts per request");
    for (const json& p : prompt) {
      // Token-id prompts (lists of integers) are not taken: the prime is text, as for `sample`.
      if (!p.is_string()) throw bad("prompt", "must be a string or a list of strings", "invalid_type");
      r.prompts.push_back(p.get<std::string>());
    }
  } else {
    throw bad("prompt", "must be a string or a non-empty list of strings", "invalid_type");
  }
  for (const std::string& p : r.prompts)
    if (p.size() > limits.max_prompt_bytes)
      throw bad("prompt", "longer than " + std::to_string(limits.max_prompt_bytes) + " bytes", "prompt_too_long");

  GenerateRequest& g = r.options;
  g.length = static_cast<int>(number(body, "max_tokens", 16, 1, limits.max_tokens, true));
  g.temperature = number(body, "temperature", 1.0, 0.0, 2.0, false);
  g.top_p = number(body, "top_p", 1.0, 0.0, 1.0, false);
  if (g.top_p == 0.0) throw bad("top_p", "must be > 0");
  g.top_k = static_cast<int>(number(body, "top_k", 0, 0, 1e9, true));
  r.n = static_cast<int>(number(body, "n", 1, 1, limits.max_n, true));
  if (body.contains("seed") && !body["seed"].is_null()) {
    if (!body["seed"].is_number_integer() || body["seed"].get<int64_t>() < 0)
      throw bad("seed", "must be an integer >= 0", "invalid_type");
    g.seed = body["seed"].get<uint64_t>();
  }
  if (body.contains("stop") && !body["stop"].is_null()) {
    const json& s = body["stop"];
    // rnngen stops on one string (--stop), and keeps it in the text as `sample` does.
    if (s.is_string()) {
      g.stop = s.get<std::string>();
    } else if (s.is_array() && s.size() <= 1 && (s.empty() || s[0].is_string())) {
      if (!s.empty()) g.stop = s[0].get<std::string>();
    } else {
      throw bad("stop", "must be a string or a list of at most one string", "invalid_type");
    }
  }
  // OpenAI's legacy completions: an integer k in [0, 5] asks for each token's log-probability
  // and the k most likely alternatives.
  if (body.contains("logprobs") && !body["logprobs"].is_null()) {
    g.want_logprobs = true;
    g.top_logprobs = static_cast<int>(number(body, "logprobs", 0, 0, 5, true));
  }
  if (body.contains("best_of") && !body["best_of"].is_null() && body["best_of"] != r.n)
    throw bad("best_of", "is not supported by this server", "unsupported");
  if (body.contains("suffix") && !body["suffix"].is_null())
    throw bad("suffix", "is not supported by this server", "unsupported");
  const StreamFlags sf = parse_stream(body);
  r.stream = sf.stream;
  r.include_usage = sf.include_usage;
  r.echo = flag(body, "echo");
  return r;
}

StreamFlags parse_stream(const json& body) {
  StreamFlags f;
  f.stream = flag(body, "stream");
  if (body.contains("stream_options") && !body["stream_options"].is_null()) {
    const json& so = body["stream_options"];
    if (!so.is_object()) throw bad("stream_options", "must be an object", "invalid_type");
    if (!f.stream) throw bad("stream_options", "is only allowed with \"stream\": true");
    if (so.contains("include_usage") && !so["include_usage"].is_null()) {
      if (!so["include_usage"].is_boolean())
        throw bad("stream_options.include_usage", "must be true or false", "invalid_type");
      f.include_usage = so["include_usage"].get<bool>();
    }
  }
  return f;
}

}  // namespace rnngen::serve
