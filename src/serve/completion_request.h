// The OpenAI completions request (POST /v1/completions) read into rnngen's generation options,
// with every field checked against the server's limits. A bad field is a RequestError naming
// it, which the server answers with a 400 and the OpenAI error shape.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "rnngen/model.h"

namespace rnngen::serve {

struct Limits {
  size_t max_body_bytes = 1 << 20;  // whole request body
  size_t max_prompt_bytes = 64 << 10;
  int max_tokens = 4096;            // per choice
  int max_n = 16;                   // choices per prompt
  int max_prompts = 16;             // prompts per request (a list)
  int max_streams = 64;             // generations running at once, over all requests
  double request_seconds = 300;     // a generation running longer is cut there
};

// An error the client caused: HTTP status, OpenAI "type", the offending "param" and a "code".
struct RequestError : std::runtime_error {
  RequestError(int status, std::string message, std::string param = "", std::string code = "",
               std::string type = "invalid_request_error")
      : std::runtime_error(std::move(message)), status(status), param(std::move(param)), code(std::move(code)),
        type(std::move(type)) {}
  int status;
  std::string param, code, type;
};

// {"error": {"message", "type", "param", "code"}}
nlohmann::json error_json(const RequestError& e);

// Parses a body as a JSON object; RequestError for malformed JSON or invalid UTF-8 in it.
nlohmann::json parse_body(const std::string& body);

struct CompletionRequest {
  std::vector<std::string> prompts;  // one, or the list given
  GenerateRequest options;           // prime unset; seed as given
  int n = 1;
  bool stream = false, echo = false;
  bool include_usage = false;  // stream_options.include_usage: a last chunk with the usage
};

// Reads the request; `model_id` is the one model this server serves ("model" must be it, if given).
CompletionRequest parse_completion(const nlohmann::json& body, const std::string& model_id, const Limits& limits);

// "stream" (false when absent) and "stream_options": whether a last chunk carries the usage
// (include_usage; OpenAI allows stream_options only with "stream": true). Shared by the
// completions and chat completions requests.
struct StreamFlags {
  bool stream = false, include_usage = false;
};
StreamFlags parse_stream(const nlohmann::json& body);

// The same check of the "model" field for the other endpoints.
void check_model(const nlohmann::json& body, const std::string& model_id);

}  // namespace rnngen::serve
